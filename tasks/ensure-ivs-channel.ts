import {
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  ListChannelsCommand,
  ListStreamKeysCommand,
  TagResourceCommand,
  type Channel,
} from '@aws-sdk/client-ivs';
import * as z from '../core/domain/zod';
import { aws, deleteIgnoringNotFound } from '../core/aws/calls';
import { CHANNEL_TAGS } from '../core/domain/encoder-settings';
import { NotFound, StreamStateConflict } from '../core/domain/errors';
import { ivsChannelName, ivsIngestUrl } from '../core/domain/ivs';
import type { Services } from '../core/aws/services';
import { requireSetting } from '../core/lambda/config';
import { taskHandler } from '../core/lambda/task-handler';
import { ivsClient } from '../core/aws/clients/ivs';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store' | 'ivs' | 'config'>;

/**
 * Gives the stream its IVS channel, made once and kept for reuse (deleted with the stream): the
 * one on the record, else one of the stream's name left by a crash before the record write, else a
 * new one. Writes `ivs_viewer_endpoint` (playback `.m3u8`) and `rtmp_ivs` (ingest URL with the
 * stream key) to the store; the key is never logged nor returned.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ channel_arn: string }> {
  const item = await deps.store.mustGet(input.stream_id);
  let channel = item.ivs_channel_arn ? await getChannel(deps, item.ivs_channel_arn) : undefined;
  let key: string | undefined;
  if (!channel) {
    const name = ivsChannelName(item.id);
    const listed = await aws('listing IVS channels', () => deps.ivs.send(new ListChannelsCommand({ filterByName: name })));
    const found = listed.channels?.find((c) => c.name === name)?.arn;
    channel = found ? await getChannel(deps, found) : undefined;
  }
  if (!channel) {
    const made = await aws('creating IVS channel', () =>
      deps.ivs.send(
        new CreateChannelCommand({
          name: ivsChannelName(item.id),
          latencyMode: 'LOW',
          type: deps.config.IVS_CHANNEL_TYPE,
          // As a MediaLive channel's: the reconciler (tasks/reconcile.ts) knows this stack's by the table tag.
          tags: { [CHANNEL_TAGS.streamId]: item.id, [CHANNEL_TAGS.streamTable]: requireSetting(deps.config, 'TABLE_NAME') },
        }),
      ),
    );
    channel = made.channel;
    key = made.streamKey?.value;
  }
  if (!channel?.arn || !channel.ingestEndpoint || !channel.playbackUrl) throw new NotFound('IVS returned no usable channel');
  key ??= await streamKeyOf(deps, channel.arn);
  await tagAsOwn(deps, channel, item.id);

  const patch = {
    ivs_channel_arn: channel.arn,
    ivs_viewer_endpoint: channel.playbackUrl,
    rtmp_ivs: ivsIngestUrl(deps.config.IVS_INGEST_SCHEME, channel.ingestEndpoint, key),
  };
  try {
    await deps.store.mutate(item.id, (current) => {
      if (current.state === 'deleting') throw new StreamStateConflict(`stream ${item.id} is being deleted; its IVS channel is not recorded`);
      return patch;
    });
  } catch (err) {
    // The stream was deleted, or a delete claimed it, while we made its channel: the delete's own
    // channel step may have run already, and nothing else would ever delete this one.
    if (err instanceof NotFound || err instanceof StreamStateConflict) {
      await deleteIgnoringNotFound('deleting IVS channel', () => deps.ivs.send(new DeleteChannelCommand({ arn: channel.arn })));
    }
    throw err;
  }
  return { channel_arn: channel.arn };
}

/**
 * A channel made before IVS channels were tagged gets the tags now, when it is reused, so the
 * reconciler knows it as this stack's even once its record is gone.
 */
async function tagAsOwn(deps: Deps, channel: Channel, streamId: string): Promise<void> {
  const table = requireSetting(deps.config, 'TABLE_NAME');
  if (channel.tags?.[CHANNEL_TAGS.streamTable] === table) return;
  const tags = { [CHANNEL_TAGS.streamId]: streamId, [CHANNEL_TAGS.streamTable]: table };
  await aws('tagging IVS channel', () => deps.ivs.send(new TagResourceCommand({ resourceArn: channel.arn, tags })));
}

async function getChannel(deps: Deps, arn: string): Promise<Channel | undefined> {
  try {
    return (await aws('reading IVS channel', () => deps.ivs.send(new GetChannelCommand({ arn })))).channel;
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

async function streamKeyOf(deps: Deps, channelArn: string): Promise<string> {
  const listed = await aws('listing IVS stream keys', () => deps.ivs.send(new ListStreamKeysCommand({ channelArn })));
  const arn = listed.streamKeys?.[0]?.arn;
  const key = arn
    ? (await aws('reading IVS stream key', () => deps.ivs.send(new GetStreamKeyCommand({ arn })))).streamKey
    : (await aws('creating IVS stream key', () => deps.ivs.send(new CreateStreamKeyCommand({ channelArn })))).streamKey;
  if (!key?.value) throw new NotFound(`IVS channel ${channelArn} has no stream key`);
  return key.value;
}

export const handler = taskHandler(Input, run, { ivs: ivsClient, store: streamStore });
