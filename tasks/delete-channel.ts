import { DeleteChannelCommand, DescribeChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { deleteWhenDeletable } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

/** `''`: the stream never got a channel (a create that failed early); nothing to delete. */
export const Input = z.object({ channel_id: z.string() });

type Deps = Pick<Services, 'medialive'>;

/** MediaLive deletes only a channel that is not running or changing. */
const DELETABLE = new Set(['IDLE', 'CREATE_FAILED', 'UPDATE_FAILED']);
const GONE = new Set(['DELETING', 'DELETED']);

/**
 * Asks MediaLive to delete the channel. A channel already deleting or gone needs nothing (the
 * caller's poll loop waits for DELETED either way); one still creating, starting or stopping is a
 * Conflict the workflow retries until it settles.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ requested: boolean }> {
  const ChannelId = input.channel_id;
  if (!ChannelId) return { requested: false };
  return deleteWhenDeletable({
    what: `MediaLive channel ${ChannelId}`,
    state: async () => (await deps.medialive.send(new DescribeChannelCommand({ ChannelId }))).State,
    gone: GONE,
    deletable: DELETABLE,
    remove: () => deps.medialive.send(new DeleteChannelCommand({ ChannelId })),
  });
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
