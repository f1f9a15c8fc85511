import {
  ChannelNotBroadcasting,
  CreateChannelCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListChannelsCommand,
  ListStreamKeysCommand,
  ListStreamsCommand,
  ResourceNotFoundException,
  StopStreamCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ivs';
import { describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalIvs } from '../../../local/ivs';
import { RecordingMediaPlane } from './fakes';

function setup() {
  const mediaPlane = new RecordingMediaPlane();
  const local = new LocalIvs({ rtmpPort: 1935, mediaPort: 8080, mediaPlane });
  const ivs = bindLocalService(new IvsClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service);
  return { ivs, started: mediaPlane.started, removedEndpoints: mediaPlane.removedEndpoints, mediaPlane };
}

describe('local IVS', () => {
  it('makes a channel whose ingest is the local RTMP server and whose playback is local HLS', async () => {
    const { ivs, started } = setup();

    const made = await ivs.send(new CreateChannelCommand({ name: 'fm-abc', latencyMode: 'LOW', type: 'STANDARD' }));

    const id = made.channel!.arn!.split('/').pop();
    expect(made.channel).toMatchObject({ name: 'fm-abc', ingestEndpoint: '127.0.0.1:1935', playbackUrl: `http://127.0.0.1:8080/out/v1/ivs-${id}/index.m3u8` });
    expect(made.streamKey!.value).toMatch(/^sk_us-east-1_[A-Za-z0-9]+$/);
    expect(started).toEqual([expect.objectContaining({ channelId: `ivs-${id}`, endpointId: `ivs-${id}`, streamNames: [`app/${made.streamKey!.value}`], archive: [] })]);
  });

  it('finds the channel by name and reads its one stream key', async () => {
    const { ivs } = setup();
    const made = await ivs.send(new CreateChannelCommand({ name: 'fm-xyz' }));

    const listed = await ivs.send(new ListChannelsCommand({ filterByName: 'fm-xyz' }));
    const keys = await ivs.send(new ListStreamKeysCommand({ channelArn: made.channel!.arn }));
    const key = await ivs.send(new GetStreamKeyCommand({ arn: keys.streamKeys![0].arn }));

    expect(listed.channels!.map((c) => c.arn)).toEqual([made.channel!.arn]);
    expect(key.streamKey!.value).toBe(made.streamKey!.value);
  });

  it('deletes a channel, removing its media (playback serves nothing), after which it is not found', async () => {
    const { ivs, started, removedEndpoints } = setup();
    const made = await ivs.send(new CreateChannelCommand({ name: 'fm-del' }));

    await ivs.send(new DeleteChannelCommand({ arn: made.channel!.arn }));

    expect(removedEndpoints).toEqual([started[0].endpointId]);
    await expect(ivs.send(new GetChannelCommand({ arn: made.channel!.arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(ivs.send(new DeleteChannelCommand({ arn: made.channel!.arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists the channels someone pushes to as live streams, and StopStream drops the publisher', async () => {
    // Prepare: two channels, one with a publisher
    const { ivs, mediaPlane, started } = setup();
    const pushed = await ivs.send(new CreateChannelCommand({ name: 'fm-live' }));
    const quiet = await ivs.send(new CreateChannelCommand({ name: 'fm-quiet' }));
    mediaPlane.publishing.add(started[0].channelId);
    // Act
    const listed = await ivs.send(new ListStreamsCommand({}));
    await ivs.send(new StopStreamCommand({ channelArn: pushed.channel!.arn }));
    const after = await ivs.send(new ListStreamsCommand({}));
    // Assess: StopStream on a channel with no live stream is ChannelNotBroadcasting, HTTP 404
    // (https://docs.aws.amazon.com/ivs/latest/LowLatencyAPIReference/API_StopStream.html, Errors)
    expect(listed.streams!.map((s) => [s.channelArn, s.state])).toEqual([[pushed.channel!.arn, 'LIVE']]);
    expect(mediaPlane.disconnected).toEqual([started[0].channelId]);
    expect(after.streams).toEqual([]);
    const offline = ivs.send(new StopStreamCommand({ channelArn: quiet.channel!.arn }));
    await expect(offline).rejects.toBeInstanceOf(ChannelNotBroadcasting);
    await expect(offline).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('adds or updates a channel\'s tags (TagResource), as ListChannels then shows them', async () => {
    // Prepare
    const { ivs } = setup();
    const made = await ivs.send(new CreateChannelCommand({ name: 'fm-tag', tags: { stream_id: 'a' } }));
    // Act
    await ivs.send(new TagResourceCommand({ resourceArn: made.channel!.arn, tags: { stream_table: 'streams' } }));
    // Assess
    const listed = await ivs.send(new ListChannelsCommand({ filterByName: 'fm-tag' }));
    expect(listed.channels![0].tags).toEqual({ stream_id: 'a', stream_table: 'streams' });
    await expect(ivs.send(new TagResourceCommand({ resourceArn: `${made.channel!.arn}x`, tags: {} }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
