import * as z from '../core/domain/zod';
import { channelCondition } from '../core/domain/channel-state';
import { settleOnChannelState } from '../core/aws/channel-record';
import type { Services } from '../core/aws/services';
import { logger } from '../core/lambda/logger';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

/**
 * The `detail` of an EventBridge "MediaLive Channel State Change" event (the fields we read), e.g.
 * `{ channel_arn: "arn:aws:medialive:us-west-2:111122223333:channel:123456", state: "DELETED",
 * message: "Deleted channel", pipelines_running_count: 0 }` —
 * https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html
 * (per-pipeline events also name their `pipeline`).
 */
export const Input = z.object({
  channel_arn: z.string().check(z.minLength(1)),
  state: z.string().check(z.minLength(1)),
  message: z._default(z.string(), ''),
  pipeline: z.optional(z.string()),
  pipelines_running_count: z.optional(z.number()),
});

type Deps = Pick<Services, 'store' | 'medialive' | 'now'>;

export interface Outcome {
  /** The stream whose record changed, when one did. */
  stream_id: string | null;
  changed: boolean;
  why: string;
}

/**
 * The watcher of channel state changes: a channel stopped in the console becomes an `idle` stream
 * (`stop_reason: aws`), one that failed or was deleted under a stream becomes `failed` with
 * `last_error`, by the rules of `core/domain/channel-state.ts`. Events are at least once and may
 * come late or out of order (a STOPPED of the last session after the next start), so the event
 * only says which channel to look at: its state is read from MediaLive itself and the record
 * written conditionally (`core/aws/channel-record.ts`). A stream that a workflow of ours is
 * driving (`claimed_by`) is left to it.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<Outcome> {
  const channelId = input.channel_arn.slice(input.channel_arn.lastIndexOf(':') + 1);
  const condition = channelCondition(input.state);
  if (condition === 'active' || condition === 'transitional') return { stream_id: null, changed: false, why: `${input.state} changes no record` };
  // State changes that matter are rare; a scan finds the one stream whose channel this is (no index on it).
  const stream = (await deps.store.list()).find((s) => s.live_channel_id === channelId);
  if (!stream) return { stream_id: null, changed: false, why: `channel ${channelId} is no stream's of this stack` };
  const verdict = await settleOnChannelState(deps, stream.id, input.message);
  if (!verdict) return { stream_id: stream.id, changed: false, why: 'the record agrees with the channel, or a workflow of ours drives it' };
  // A stop in the console is news; a channel that failed under a stream is trouble.
  logger[verdict.patch.state === 'failed' ? 'error' : 'warn']('stream record changed: MediaLive reports its channel changed outside this API', {
    streamId: stream.id,
    channelId,
    event: input.state,
    reason: verdict.reason,
  });
  return { stream_id: stream.id, changed: true, why: verdict.reason };
}

export const handler = taskHandler(Input, run, { store: streamStore, medialive: mediaLiveClient });
