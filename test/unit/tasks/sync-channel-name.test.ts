import { ConflictException, DescribeChannelCommand, MediaLiveClient, UpdateChannelCommand, type DescribeChannelResponse } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { run } from '../../../tasks/sync-channel-name';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const medialive = mockClient(MediaLiveClient);
const deps = () => ({ medialive: medialive as unknown as MediaLiveClient, store: store() });

const ROLE = 'arn:aws:iam::000000000000:role/ml';

beforeEach(() => { medialive.reset(); });

async function stream(channelId = 'ch-1') {
  const item = newStreamItem({ id: newHexId(), name: 'New name', now: '1' });
  return store().create({ ...item, state: 'idle', live_channel_id: channelId });
}

describe('sync-channel-name', () => {
  it("renames an idle channel to the record's name, sending everything else back as read (its role first)", async () => {
    // UpdateChannel without RoleArn removes the channel's role: "If you do not specify this on an
    // update call but the role was previously set that role will be removed" (UpdateChannelRequest.RoleArn,
    // @aws-sdk/client-medialive dist-types/models/models_1.d.ts).
    // Prepare
    const s = await stream();
    // What the channel has besides its name and destinations: all of it must come back unchanged.
    const kept: DescribeChannelResponse = {
      RoleArn: ROLE,
      LogLevel: 'INFO',
      InputAttachments: [{ InputId: 'in-1', InputAttachmentName: 'rtmp' }],
      InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' },
      EncoderSettings: { AudioDescriptions: [], VideoDescriptions: [], OutputGroups: [], TimecodeConfig: { Source: 'SYSTEMCLOCK' } },
    };
    medialive.on(DescribeChannelCommand, { ChannelId: 'ch-1' }).resolves({
      ...kept,
      Id: 'ch-1',
      State: 'IDLE',
      Name: 'Old name',
      Destinations: [{ Id: 'mediapackage', MediaPackageSettings: [{ ChannelId: 'pc-1' }], Settings: [] }],
    });
    medialive.on(UpdateChannelCommand).resolves({});

    // Act
    const out = await run({ stream_id: s.id }, deps());

    // Assess
    expect(out).toEqual({ synced: true, channel_state: 'IDLE' });
    expect(medialive.commandCalls(UpdateChannelCommand)[0].args[0].input).toEqual({
      ...kept,
      ChannelId: 'ch-1',
      Name: 'New name',
      Destinations: [{ Id: 'mediapackage', MediaPackageSettings: [{ ChannelId: 'pc-1' }] }],
    });
  });

  it.each(['RUNNING', 'STARTING', 'UPDATING'])('skips a channel that is %s (the next start sets the name)', async (state) => {
    const s = await stream();
    medialive.on(DescribeChannelCommand).resolves({ State: state as never, Name: 'Old name' });

    expect(await run({ stream_id: s.id }, deps())).toEqual({ synced: false, channel_state: state });
    expect(medialive.commandCalls(UpdateChannelCommand)).toHaveLength(0);
  });

  it('writes nothing when the name is already right', async () => {
    const s = await stream();
    medialive.on(DescribeChannelCommand).resolves({ State: 'IDLE', Name: 'New name' });

    expect((await run({ stream_id: s.id }, deps())).synced).toBe(false);
    expect(medialive.commandCalls(UpdateChannelCommand)).toHaveLength(0);
  });

  it('skips a channel that left IDLE between the read and the rename', async () => {
    const s = await stream();
    medialive.on(DescribeChannelCommand).resolves({ State: 'IDLE', Name: 'Old name' });
    medialive.on(UpdateChannelCommand).rejects(new ConflictException({ message: 'not idle', $metadata: { httpStatusCode: 409 } }));

    expect(await run({ stream_id: s.id }, deps())).toEqual({ synced: false, channel_state: 'BUSY' });
  });

  it('has nothing to rename while the stream has no channel yet', async () => {
    const s = await stream('');

    expect(await run({ stream_id: s.id }, deps())).toEqual({ synced: false, channel_state: 'NONE' });
    expect(medialive.commandCalls(DescribeChannelCommand)).toHaveLength(0);
  });
});
