import { CreateChannelCommand, DeleteChannelCommand, GetChannelCommand, GetStreamKeyCommand, IvsClient, ListChannelsCommand, ListStreamKeysCommand, ResourceNotFoundException } from '@aws-sdk/client-ivs';
import { describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalIvs } from '../../../local/ivs';
import type { ChannelMedia, MediaPlane } from '../../../local/media-plane-contract';

function setup() {
  const started: ChannelMedia[] = [];
  const removedEndpoints: string[] = [];
  const mediaPlane: MediaPlane = {
    startChannel: (c) => Promise.resolve(void started.push(c)),
    stopChannel: async () => {},
    removeEndpoint: (id) => Promise.resolve(void removedEndpoints.push(id)),
    close: async () => {},
  };
  const local = new LocalIvs({ rtmpPort: 1935, mediaPort: 8080, mediaPlane });
  const ivs = bindLocalService(new IvsClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service);
  return { ivs, started, removedEndpoints };
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
});
