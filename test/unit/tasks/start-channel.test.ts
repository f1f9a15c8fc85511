import { ConflictException, DescribeChannelCommand, MediaLiveClient, StartChannelCommand } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Conflict, Invalid } from '../../../core/domain/errors';
import { run } from '../../../tasks/start-channel';

const medialive = mockClient(MediaLiveClient);
const deps = { medialive: medialive as unknown as MediaLiveClient };

beforeEach(() => { medialive.reset(); });

describe('start-channel', () => {
  it('starts an idle channel', async () => {
    // Prepare
    medialive.on(DescribeChannelCommand, { ChannelId: 'ch-1' }).resolves({ State: 'IDLE' });
    medialive.on(StartChannelCommand).resolves({ State: 'STARTING' });

    // Act
    const out = await run({ channel_id: 'ch-1' }, deps);

    // Assess
    expect(out).toEqual({ requested: true });
    expect(medialive.commandCalls(StartChannelCommand)[0].args[0].input).toEqual({ ChannelId: 'ch-1' });
  });

  it.each(['STARTING', 'RUNNING', 'RECOVERING'])('does not start twice a channel already %s (a retried step)', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    expect(await run({ channel_id: 'ch-1' }, deps)).toEqual({ requested: false });
    expect(medialive.commandCalls(StartChannelCommand)).toHaveLength(0);
  });

  it.each(['CREATING', 'UPDATING', 'STOPPING'])('asks for a retry while the channel is %s', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Conflict);
    expect(medialive.commandCalls(StartChannelCommand)).toHaveLength(0);
  });

  it('retries when MediaLive refuses the start with a conflict', async () => {
    medialive.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    medialive.on(StartChannelCommand).rejects(new ConflictException({ message: 'channel is updating', $metadata: { httpStatusCode: 409 } }));

    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Conflict);
  });

  it.each(['DELETING', 'DELETED', 'CREATE_FAILED'])('fails for good on a channel that is %s', async (state) => {
    medialive.on(DescribeChannelCommand).resolves({ State: state as never });

    await expect(run({ channel_id: 'ch-1' }, deps)).rejects.toBeInstanceOf(Invalid);
  });
});
