import { DescribeChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { aws } from '../core/aws/calls';
import { NotFound } from '../core/domain/errors';
import { nextPoll, PollSchema, type PollState } from '../core/domain/poll';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

export const Input = z.object({ channel_id: z.string().check(z.minLength(1)), poll: PollSchema });

type Deps = Pick<Services, 'medialive' | 'now'>;

/**
 * The Describe step of a channel poll loop: reads the channel's state and returns the next poll
 * (status, backoff, deadline). A channel that no longer exists reports `DELETED`.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<PollState> {
  let state: string;
  try {
    const channel = await aws('describing MediaLive channel', () =>
      deps.medialive.send(new DescribeChannelCommand({ ChannelId: input.channel_id })),
    );
    state = channel.State ?? 'UNKNOWN';
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    state = 'DELETED';
  }
  return nextPoll(input.poll, state, deps.now());
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
