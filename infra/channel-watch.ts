import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The tasks this construct starts (Lambdas made with the other tasks, `infra/stack.ts`). */
export const CHANNEL_WATCH_TASKS = ['channel-state-change', 'reconcile'] as const;

/** The event MediaLive sends on each channel state change: https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html */
export const CHANNEL_STATE_CHANGE_PATTERN = { source: ['aws.medialive'], detailType: ['MediaLive Channel State Change'] };

/** How often the reconciler sweeps (tasks/reconcile.ts). */
export const RECONCILE_EVERY = Duration.minutes(15);

/** EventBridge's retries of a target that failed (throttled, a conflict): its default is 185. */
const RETRY_ATTEMPTS = 8;

export interface ChannelWatchProps {
  /** The task Lambdas, by task name; must hold {@link CHANNEL_WATCH_TASKS}. */
  readonly functions: Readonly<Record<string, IFunction>>;
}

/**
 * Keeps the records true to AWS: MediaLive's own state change events, routed to the watcher
 * (tasks/channel-state-change.ts), and a scheduled sweep (tasks/reconcile.ts) for whatever an
 * event missed. The rule matches every channel of the account's default bus: EventBridge cannot
 * match on a channel's tags, and the event names only the channel's ARN, so the watcher takes
 * this stack's channels as those a stream record of this stack names, and ignores the rest.
 */
export class ChannelWatch extends Construct {
  public readonly stateChangeRule: Rule;
  public readonly reconcileRule: Rule;

  constructor(scope: Construct, id: string, props: ChannelWatchProps) {
    super(scope, id);
    this.stateChangeRule = new Rule(this, 'ChannelStateChange', {
      description: "A MediaLive channel's state changed (e.g. stopped in the console): onto its stream (tasks/channel-state-change.ts)",
      eventPattern: CHANNEL_STATE_CHANGE_PATTERN,
      targets: [
        new LambdaFunction(props.functions['channel-state-change'], { event: RuleTargetInput.fromEventPath('$.detail'), retryAttempts: RETRY_ATTEMPTS }),
      ],
    });
    this.reconcileRule = new Rule(this, 'Reconcile', {
      description: 'Sweeps channels and connectors against the stream records (tasks/reconcile.ts)',
      schedule: Schedule.rate(RECONCILE_EVERY),
      targets: [new LambdaFunction(props.functions.reconcile, { event: RuleTargetInput.fromObject({}), retryAttempts: 2 })],
    });
  }
}
