import { DescribeChannelCommand } from '@aws-sdk/client-medialive';
import { verdictOn, type ChannelVerdict } from '../domain/channel-state';
import { NotFound } from '../domain/errors';
import { aws } from './calls';
import type { Services } from './services';

type Deps = Pick<Services, 'store' | 'medialive' | 'now'>;

/** The channel's state now (DescribeChannel); a channel MediaLive no longer knows is DELETED. */
export async function channelStateNow(deps: Pick<Services, 'medialive'>, channelId: string): Promise<string> {
  try {
    const channel = await aws('describing MediaLive channel', () => deps.medialive.send(new DescribeChannelCommand({ ChannelId: channelId })));
    return channel.State ?? 'UNKNOWN';
  } catch (err) {
    if (err instanceof NotFound) return 'DELETED';
    throw err;
  }
}

/**
 * Brings the stream's record in line with its channel's state, by the rules of
 * `core/domain/channel-state.ts`, for the event watcher and the reconciler alike. Whatever made
 * the caller look (an event, a listing) may be stale, so the order is: the record read, then the
 * channel's state read from MediaLive, then the write conditional on that record's version. A
 * write in between (a start claimed after the channel was read, say) fails the condition, and the
 * store tries again on a fresh read of both; so no stale channel state lands on a newer record.
 * Returns the verdict that was written, if one was.
 */
export async function settleOnChannelState(deps: Deps, streamId: string, message = ''): Promise<ChannelVerdict | undefined> {
  let written: ChannelVerdict | undefined;
  await deps.store.mutate(streamId, async (item) => {
    written = undefined;
    if (!item.live_channel_id || item.claimed_by) return undefined;
    written = verdictOn(item, await channelStateNow(deps, item.live_channel_id), deps.now(), message);
    return written?.patch;
  });
  return written;
}
