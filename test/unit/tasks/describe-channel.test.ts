import { DescribeChannelCommand, MediaLiveClient, NotFoundException } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Throttled } from '../../../core/domain/errors';
import { run } from '../../../tasks/describe-channel';

const medialive = mockClient(MediaLiveClient);
const now = new Date('2026-01-01T00:00:10Z');
const deps = { medialive: medialive as unknown as MediaLiveClient, now: () => now };
const poll = { deadline_seconds: 900, initial_wait_seconds: 2, max_wait_seconds: 15, attempt: 0 };

beforeEach(() => { medialive.reset(); });

describe('describe-channel', () => {
  it('reports the channel state with the next backoff', async () => {
    medialive.on(DescribeChannelCommand, { ChannelId: 'ch-1' }).resolves({ State: 'STARTING' });

    const out = await run({ channel_id: 'ch-1', poll }, deps);

    expect(out).toMatchObject({ status: 'STARTING', attempt: 1, wait_seconds: 2, expired: false });
  });

  it('reports DELETED for a channel that no longer exists', async () => {
    medialive.on(DescribeChannelCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    expect((await run({ channel_id: 'ch-1', poll }, deps)).status).toBe('DELETED');
  });

  it('lets throttling through as a retryable named error', async () => {
    medialive.on(DescribeChannelCommand).rejects(Object.assign(new Error('rate'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));

    await expect(run({ channel_id: 'ch-1', poll }, deps)).rejects.toBeInstanceOf(Throttled);
  });
});

describe('describe-channel watching', () => {
  it('describes again every watch_every_seconds until the channel is in a state the loop ends on', async () => {
    medialive.on(DescribeChannelCommand).resolvesOnce({ State: 'STARTING' }).resolvesOnce({ State: 'STARTING' }).resolves({ State: 'RUNNING' });
    let clock = now.getTime();
    const slept: number[] = [];
    const watchingDeps = { ...deps, now: () => new Date(clock) };
    const sleep = (ms: number) => {
      slept.push(ms);
      clock += ms;
      return Promise.resolve();
    };

    const out = await run({ channel_id: 'ch-1', poll: { ...poll, watch_seconds: 30, watch_every_seconds: 2, ends_on: ['RUNNING'] } }, watchingDeps, sleep);

    expect(out).toMatchObject({ status: 'RUNNING', attempt: 1, expired: false });
    expect(medialive.commandCalls(DescribeChannelCommand)).toHaveLength(3);
    expect(slept).toEqual([2000, 2000]);
  });
});
