import { randomUUID } from 'node:crypto';
import type { BusEvent } from './eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

export const CHANNEL_STATE_CHANGE = 'MediaLive Channel State Change';

/** The `detail` of a "MediaLive Channel State Change" event. */
export interface ChannelStateChangeDetail {
  channel_arn: string;
  state: string;
  message: string;
  pipelines_running_count: number;
  pipeline?: string;
}

export type ChannelStateChangeEvent = BusEvent & { detail: ChannelStateChangeDetail };

/**
 * The events MediaLive sends when a channel of `pipelines` pipelines goes from `from` to `to`,
 * as AWS sends them: the shape and `DELETED` of
 * https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html,
 * the states of https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-channel.html
 * (UPDATING "is captured on the console but not in Amazon CloudWatch events"), and the event
 * vocabulary seen from real channels, which differs from DescribeChannel's: a created channel is
 * `CREATED`, and starting and stopping are reported per pipeline (`pipeline: "0"`, …, with the
 * running count after it), a stopped pipeline as `STOPPED` ("Stop detected on pipeline"), never
 * as `IDLE`.
 */
export function stateChangeEvents(channelArn: string, from: string, to: string, pipelines: number): ChannelStateChangeEvent[] {
  const event = (detail: Omit<ChannelStateChangeDetail, 'channel_arn'>): ChannelStateChangeEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': CHANNEL_STATE_CHANGE,
    source: 'aws.medialive',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [channelArn],
    detail: { channel_arn: channelArn, ...detail },
  });
  const perPipeline = (state: string, message: string, running: (i: number) => number) =>
    Array.from({ length: pipelines }, (_, i) => event({ state, message, pipeline: String(i), pipelines_running_count: running(i) }));
  if (to === 'RUNNING') return perPipeline('RUNNING', 'Pipeline started for channel', (i) => i + 1);
  if (to === 'STOPPING') return perPipeline('STOPPING', 'Stopping pipeline', () => 0);
  if (to === 'IDLE' && (from === 'STOPPING' || from === 'STARTING')) {
    return perPipeline('STOPPED', 'Stop detected on pipeline', (i) => pipelines - i - 1);
  }
  if (to === 'IDLE' && from === 'CREATING') return [event({ state: 'CREATED', message: 'Created channel', pipelines_running_count: 0 })];
  if (to === 'DELETED') return [event({ state: 'DELETED', message: 'Deleted channel', pipelines_running_count: 0 })];
  if (to === 'UPDATING') return [];
  return [event({ state: to, message: `Channel ${to.toLowerCase()}`, pipelines_running_count: 0 })];
}
