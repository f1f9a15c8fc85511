import {
  ConflictException,
  DeleteChannelCommand,
  DescribeChannelCommand,
  MediaLiveClient,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Conflict, Throttled } from '../../../core/domain/errors';
import { run } from '../../../tasks/delete-channel';

const medialive = mockClient(MediaLiveClient);
const deps = { medialive: medialive as unknown as MediaLiveClient };
const notFound = () => new NotFoundException({ message: 'no such channel', $metadata: { httpStatusCode: 404 } });

beforeEach(() => { medialive.reset(); });

describe('delete-channel', () => {
  it.each(['IDLE', 'CREATE_FAILED'])('deletes a channel that is %s', async (state) => {
    // Prepare
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });
    medialive.on(DeleteChannelCommand).resolves({ State: 'DELETING' });

    // Act
    const out = await run({ channel_id: 'ch-1' }, deps);

    // Assess
    expect(out).toEqual({ requested: true });
    expect(medialive).toHaveReceivedCommandWith(DeleteChannelCommand, { ChannelId: 'ch-1' });
  });

  it.each(['DELETING', 'DELETED'])('does nothing for a channel already %s (a retried delete)', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
    expect(medialive).not.toHaveReceivedCommand(DeleteChannelCommand);
  });

  it('counts a channel that is gone as deleted, whether the describe or the delete finds it gone', async () => {
    medialive.on(DescribeChannelCommand).rejectsOnce(notFound()).resolves({ State: 'IDLE' });
    medialive.on(DeleteChannelCommand).rejects(notFound());

    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
  });

  it('has nothing to do for a stream that never got a channel', async () => {
    expect(await run({ channel_id: '' }, deps)).toEqual({ requested: false });
    expect(medialive).not.toHaveReceivedAnyCommand();
  });

  it.each(['CREATING', 'RUNNING', 'STOPPING'])('asks the workflow to retry while the channel is %s', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    const error = await run({ channel_id: 'ch-1' }, deps).catch((e: Error) => e);

    expect(error).toBeInstanceOf(Conflict);
    expect((error as Error).message).toContain(`MediaLive channel ch-1 is ${state}`);
    expect(medialive).not.toHaveReceivedCommand(DeleteChannelCommand);
  });

  it('translates a conflict or throttling of the delete itself into retryable errors', async () => {
    medialive.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    medialive
      .on(DeleteChannelCommand)
      .rejectsOnce(new ConflictException({ message: 'busy', $metadata: { httpStatusCode: 409 } }))
      .rejects(new TooManyRequestsException({ message: 'slow', $metadata: { httpStatusCode: 429 } }));

    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Conflict);
    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Throttled);
  });
});
