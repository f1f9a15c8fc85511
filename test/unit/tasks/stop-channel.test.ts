import { DescribeChannelCommand, MediaLiveClient, NotFoundException, StopChannelCommand } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Conflict } from '../../../core/domain/errors';
import { run } from '../../../tasks/stop-channel';

const medialive = mockClient(MediaLiveClient);
const deps = { medialive: medialive as unknown as MediaLiveClient };

beforeEach(() => { medialive.reset(); });

describe('stop-channel', () => {
  it('stops a running channel', async () => {
    medialive.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    medialive.on(StopChannelCommand).resolves({});

    const out = await run({ channel_id: 'ch-1' }, deps);

    expect(out).toEqual({ requested: true });
    expect(medialive).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: 'ch-1' });
  });

  it.each(['IDLE', 'STOPPING', 'CREATE_FAILED'])('does nothing for a channel already %s', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
    expect(medialive).not.toHaveReceivedCommand(StopChannelCommand);
  });

  it('counts a channel that is gone as stopped', async () => {
    medialive.on(DescribeChannelCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
  });

  it('asks the workflow to retry while the channel is in another transitional state', async () => {
    medialive.on(DescribeChannelCommand).resolves({ State: 'CREATING' });

    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Conflict);
    expect(medialive).not.toHaveReceivedCommand(StopChannelCommand);
  });
});
