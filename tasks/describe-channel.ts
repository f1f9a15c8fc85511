import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeChannelCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { aws } from '../core/aws/calls';
import { NotFound } from '../core/domain/errors';
import { PollSchema, watchPoll, type PollState } from '../core/domain/poll';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

export const Input = z.object({ channel_id: z.string().check(z.minLength(1)), poll: PollSchema });

type Deps = Pick<Services, 'medialive' | 'now'>;

/**
 * The Describe step of a channel poll loop: reads the channel's state (watching it for a while
 * if the poll asks, see `watchPoll`) and returns the next poll (status, backoff, deadline). A
 * channel that no longer exists reports `DELETED`.
 */
export async function run(
  input: z.infer<typeof Input>,
  deps: Deps,
  /** How a watching Describe waits between looks (tests pass their clock's). */
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<PollState> {
  const describe = async () => {
    try {
      const channel = await aws('describing MediaLive channel', () =>
        deps.medialive.send(new DescribeChannelCommand({ ChannelId: input.channel_id })),
      );
      return channel.State ?? 'UNKNOWN';
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      return 'DELETED';
    }
  };
  return watchPoll(input.poll, { describe, now: deps.now, sleep: wait });
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
