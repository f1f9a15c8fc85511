import { DescribeChannelCommand, StartChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { aws } from '../core/aws/calls';
import { Conflict, Invalid } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

export const Input = z.object({ channel_id: z.string().check(z.minLength(1)) });

type Deps = Pick<Services, 'medialive'>;

/** Already on the way to RUNNING: a retried step must not start it twice. */
const STARTED = new Set(['STARTING', 'RUNNING', 'RECOVERING']);
/** MediaLive is still busy with the channel (e.g. applying the session's UpdateChannel). */
const BUSY = new Set(['CREATING', 'UPDATING', 'STOPPING']);

/**
 * Starts an IDLE channel. MediaLive refuses StartChannel while it is still creating or updating
 * the channel, so those states are a {@link Conflict} that the workflow retries; a channel that is
 * already starting or running needs nothing (the poll loop waits for RUNNING either way).
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ requested: boolean }> {
  const channelId = input.channel_id;
  const channel = await aws('describing MediaLive channel', () =>
    deps.medialive.send(new DescribeChannelCommand({ ChannelId: channelId })),
  );
  const state = channel.State ?? 'UNKNOWN';
  if (STARTED.has(state)) return { requested: false };
  if (BUSY.has(state)) throw new Conflict(`MediaLive channel ${channelId} is ${state}; cannot start it yet`);
  if (state !== 'IDLE') throw new Invalid(`MediaLive channel ${channelId} is ${state}; it cannot be started`);
  await aws('starting MediaLive channel', () => deps.medialive.send(new StartChannelCommand({ ChannelId: channelId })));
  return { requested: true };
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
