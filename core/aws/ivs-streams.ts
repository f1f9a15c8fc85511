import { StopStreamCommand, paginateListChannels, paginateListStreams, type IvsClient } from '@aws-sdk/client-ivs';
import { NotFound } from '../domain/errors';
import { aws } from './calls';

type Deps = { ivs: IvsClient };

/**
 * The IVS channels with a live stream now, with their tags: ListStreams "gets summary information
 * about live streams" (IVS API Reference), ListChannels gives each channel's tags. Channels with
 * nothing live are not listed at all: an idle IVS channel costs nothing.
 */
export async function liveIvsChannels(deps: Deps): Promise<{ arn: string; tags: Record<string, string> | undefined }[]> {
  const live = new Set<string>();
  await aws('listing live IVS streams', async () => {
    for await (const page of paginateListStreams({ client: deps.ivs }, {})) {
      for (const stream of page.streams ?? []) if (stream.channelArn && stream.state === 'LIVE') live.add(stream.channelArn);
    }
  });
  if (live.size === 0) return [];
  const channels: { arn: string; tags: Record<string, string> | undefined }[] = [];
  await aws('listing IVS channels', async () => {
    for await (const page of paginateListChannels({ client: deps.ivs }, {})) {
      for (const channel of page.channels ?? []) if (channel.arn && live.has(channel.arn)) channels.push({ arn: channel.arn, tags: channel.tags });
    }
  });
  return channels;
}

/**
 * StopStream: disconnects the channel's incoming stream. One that ended meanwhile is
 * ChannelNotBroadcasting, HTTP 404 (IVS API Reference, StopStream, Errors), read as NotFound:
 * nothing more to do. Returns whether a stream was stopped.
 */
export async function stopIvsStream(deps: Deps, channelArn: string): Promise<boolean> {
  try {
    await aws('stopping IVS stream', () => deps.ivs.send(new StopStreamCommand({ channelArn })));
    return true;
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}
