import { epochString } from './clock';
import type { StreamItem } from './record';
import { redactText } from './redact';
import { isAllowed } from './transitions';

/** `last_error.message` is capped, as the channel alerts' are. */
const MAX_REASON = 1024;

/**
 * What a MediaLive channel's state means for its stream, from outside our own workflows: the
 * rules that the "MediaLive Channel State Change" watcher (tasks/channel-state-change.ts) and the
 * reconciler (tasks/reconcile.ts) both apply, so the record follows AWS the same way whichever
 * of them notices first.
 *
 * The state names come from two vocabularies. DescribeChannel/ListChannels answer the SDK's
 * `ChannelState` (IDLE, STARTING, RUNNING, RECOVERING, STOPPING, CREATE_FAILED, UPDATE_FAILED, …).
 * The state change event's `detail.state` has its own: the User Guide lists the channel states
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-channel.html) and shows
 * `DELETED` (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html),
 * while channels that stop are reported per pipeline as `STOPPED` ("Stop detected on pipeline"),
 * never `IDLE`, as deployments that filtered on IDLE found. Both are read here.
 */
export type ChannelCondition = 'stopped' | 'failed' | 'gone' | 'active' | 'transitional';

/**
 * STOPPING counts as stopped: the channel is on its way to IDLE, and only StartChannel, which
 * MediaLive takes from IDLE alone, runs it again. So an unclaimed running stream over a STOPPING
 * channel was stopped outside this API, even while DescribeChannel still lags the event's STOPPED.
 */
const STOPPED = new Set(['IDLE', 'STOPPED', 'STOPPING']);
const ACTIVE = new Set(['STARTING', 'RUNNING', 'RECOVERING']);
const GONE = new Set(['DELETED']);

export function channelCondition(state: string): ChannelCondition {
  if (STOPPED.has(state)) return 'stopped';
  if (ACTIVE.has(state)) return 'active';
  if (GONE.has(state)) return 'gone';
  // CREATE_FAILED, UPDATE_FAILED: the SDK's failure states.
  if (state.endsWith('_FAILED')) return 'failed';
  return 'transitional';
}

/** What the record becomes, and why; `undefined` when the channel's state changes nothing. */
export interface ChannelVerdict {
  patch: Partial<StreamItem>;
  /** One line for the log and `last_error`. */
  reason: string;
}

/** The `last_error.action` of what AWS did to a channel behind this API's back. */
export const CHANNEL_ACTION = 'channel';

/**
 * The record after AWS reports the stream's channel in `state` (read from MediaLive itself, not
 * taken from an event that may be stale). Nothing changes while a workflow of ours holds the
 * stream (`claimed_by`): a start, stop or delete drives the channel through these very states and
 * records the outcome itself, so its own channel's events are recognised, not fought.
 *
 * - A channel found stopped under a stream that is `starting` or `running` (the states our own
 *   stop begins in: `TRANSITIONS.stop.from`) was stopped outside this API (the console, the CLI,
 *   AWS): the stream rests as our stop would leave it, `idle`, with `stop_reason: aws`.
 * - A channel that failed, or is gone, under a stream that is not being deleted leaves the stream
 *   unable to run: `failed`, with `last_error` saying what AWS reported.
 *
 * No row is added to `core/domain/transitions.ts`: that table is which API action may begin in which
 * state; nothing here is an action of ours, it only records where AWS already took the channel,
 * and it uses the table's `stop` rule for the states a stop applies to.
 */
export function verdictOn(item: StreamItem, state: string, now: Date, message = ''): ChannelVerdict | undefined {
  if (item.claimed_by) return undefined;
  const condition = channelCondition(state);
  const at = epochString(now);
  const ended = item.started ? { last_stopped: at, stop_reason: 'aws' as const } : {};
  if (condition === 'stopped' && isAllowed('stop', item.state)) {
    return {
      reason: `MediaLive channel ${item.live_channel_id} is ${state}: stopped outside this API`,
      patch: { state: 'idle', started: false, input_connected: null, last_stopped: at, stop_reason: 'aws' },
    };
  }
  if ((condition === 'failed' || condition === 'gone') && item.state !== 'failed') {
    const said = message ? `: ${redactText(message)}` : '';
    const reason = `MediaLive channel ${item.live_channel_id} is ${state}${said}; delete the stream to remove what is left of it`.slice(0, MAX_REASON);
    return {
      reason,
      patch: {
        state: 'failed',
        started: false,
        input_connected: null,
        ...ended,
        last_error: { action: CHANNEL_ACTION, message: reason, at, execution_id: null },
      },
    };
  }
  return undefined;
}
