import { DescribeChannelCommand, UpdateChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { unchangedChannelUpdate } from '../core/domain/channel-update';
import { aws } from '../core/aws/calls';
import { Conflict } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'medialive' | 'store'>;

/**
 * After an update, gives the MediaLive channel the record's name (what the console shows). MediaLive
 * updates only an IDLE channel; in any other state this is skipped, since `configure-channel` sets
 * the name again at the next start. A channel that left IDLE between the read and the write is
 * skipped the same way rather than retried. Everything but the name is sent back as read: an
 * UpdateChannel without `RoleArn` removes the channel's role (`core/domain/channel-update.ts`).
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ synced: boolean; channel_state: string }> {
  const stream = await deps.store.mustGet(input.stream_id);
  const channelId = stream.live_channel_id;
  if (!channelId) return { synced: false, channel_state: 'NONE' };
  const channel = await aws('describing MediaLive channel', () =>
    deps.medialive.send(new DescribeChannelCommand({ ChannelId: channelId })),
  );
  const state = channel.State ?? 'UNKNOWN';
  if (state !== 'IDLE' || channel.Name === stream.name) return { synced: false, channel_state: state };
  try {
    await aws('renaming MediaLive channel', () =>
      deps.medialive.send(new UpdateChannelCommand({ ...unchangedChannelUpdate(channel), ChannelId: channelId, Name: stream.name })),
    );
  } catch (err) {
    if (err instanceof Conflict) return { synced: false, channel_state: 'BUSY' };
    throw err;
  }
  return { synced: true, channel_state: state };
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient, store: streamStore });
