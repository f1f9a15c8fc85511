import { DescribeChannelCommand, StopChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { aws } from '../core/aws/calls';
import { Conflict, NotFound } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

export const Input = z.object({ channel_id: z.string().check(z.minLength(1)) });

type Deps = Pick<Services, 'medialive'>;

/** Channel states from which StopChannel is accepted. */
const STOPPABLE = new Set(['STARTING', 'RUNNING', 'RECOVERING']);
/**
 * Channel states that are already where a stop leads (or on the way there). A channel that failed
 * to create never ran: deleting a stream whose create failed must not wait for it to stop.
 */
const STOPPED_OR_STOPPING = new Set(['IDLE', 'STOPPING', 'DELETING', 'DELETED', 'CREATE_FAILED']);

/**
 * Asks MediaLive to stop the channel, if it runs. MediaLive refuses StopChannel on a channel that
 * isn't running, so the channel's state is read first: idle or stopping needs nothing (the caller's
 * poll loop waits for IDLE either way), a channel that is gone counts as stopped, and one in another
 * transitional state (CREATING, UPDATING) is a {@link Conflict} the workflow retries.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ requested: boolean }> {
  const channelId = input.channel_id;
  let state: string;
  try {
    const channel = await aws('describing MediaLive channel', () =>
      deps.medialive.send(new DescribeChannelCommand({ ChannelId: channelId })),
    );
    state = channel.State ?? 'UNKNOWN';
  } catch (err) {
    if (err instanceof NotFound) return { requested: false };
    throw err;
  }
  if (STOPPED_OR_STOPPING.has(state)) return { requested: false };
  if (!STOPPABLE.has(state)) throw new Conflict(`MediaLive channel ${channelId} is ${state}; cannot stop it yet`);
  await aws('stopping MediaLive channel', () => deps.medialive.send(new StopChannelCommand({ ChannelId: channelId })));
  return { requested: true };
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
