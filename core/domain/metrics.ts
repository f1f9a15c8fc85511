/**
 * The CloudWatch metrics this system publishes itself (the AWS services' own, e.g. Step Functions'
 * `ExecutionsFailed`, are not listed): the reconciler's findings, which the stack's alarms watch.
 */
export const METRIC_NAMESPACE = 'FrontMaster/LiveStream';

/** Channels found running past their session's guard (max_session_seconds) plus a margin, per sweep. */
export const CHANNELS_PAST_GUARD_METRIC = 'ChannelsPastGuard';
