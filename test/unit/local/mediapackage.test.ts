import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateChannelCommand,
  CreateOriginEndpointCommand,
  DeleteChannelCommand,
  DeleteOriginEndpointCommand,
  DescribeOriginEndpointCommand,
  ListOriginEndpointsCommand,
  MediaPackageClient,
  UpdateOriginEndpointCommand,
} from '@aws-sdk/client-mediapackage';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { aws } from '../../../core/aws/calls';
import { Invalid, NotFound } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalMediaPackage } from '../../../local/mediapackage';

let dir: string;
let local: LocalMediaPackage;
let client: MediaPackageClient;

let removedEndpoints: string[];

function open() {
  removedEndpoints = [];
  const mediaPlane = { removeEndpoint: (id: string) => Promise.resolve(void removedEndpoints.push(id)) };
  local = new LocalMediaPackage({ mediaPort: 8089, stateFile: join(dir, 'mediapackage.json'), mediaPlane });
  client = bindLocalService(new MediaPackageClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mediapackage-'));
  open();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function channelWithEndpoint(hls: object = {}) {
  await client.send(new CreateChannelCommand({ Id: 'pkg' }));
  return client.send(new CreateOriginEndpointCommand({ ChannelId: 'pkg', Id: 'ep', StartoverWindowSeconds: 600, HlsPackage: hls }));
}

describe('local MediaPackage', () => {
  it("serves an HLS origin endpoint at the media plane's URL", async () => {
    const endpoint = await channelWithEndpoint();

    expect(endpoint.Url).toBe('http://127.0.0.1:8089/out/v1/ep/index.m3u8');
    expect(endpoint).toMatchObject({ ChannelId: 'pkg', Id: 'ep', StartoverWindowSeconds: 600, ManifestName: 'index' });
  });

  it('tells the media plane the startover window and, with encryption, the key rotation (default 60 s)', async () => {
    await channelWithEndpoint();
    const clear = local.originOf('pkg');

    await client.send(
      new UpdateOriginEndpointCommand({
        Id: 'ep',
        StartoverWindowSeconds: 7200,
        HlsPackage: { Encryption: { SpekeKeyProvider: { ResourceId: 'r', RoleArn: 'a', SystemIds: ['s'], Url: 'https://k' } } },
      }),
    );

    expect(clear).toEqual({ endpointId: 'ep', startoverWindowSeconds: 600, keyRotationInterval: 0 });
    expect(local.originOf('pkg')).toEqual({ endpointId: 'ep', startoverWindowSeconds: 7200, keyRotationInterval: 60 });
    expect(local.originOf('other')).toBeUndefined();
  });

  it('rejects duplicate ids, non-HLS packaging, other manifest names and bad startover windows', async () => {
    await channelWithEndpoint();

    const attempts = [
      client.send(new CreateChannelCommand({ Id: 'pkg' })),
      client.send(new CreateOriginEndpointCommand({ ChannelId: 'pkg', Id: 'dash', DashPackage: {} })),
      client.send(new CreateOriginEndpointCommand({ ChannelId: 'pkg', Id: 'm', HlsPackage: {}, ManifestName: 'main' })),
      client.send(new UpdateOriginEndpointCommand({ Id: 'ep', StartoverWindowSeconds: 2_000_000 })),
    ];

    for (const attempt of attempts) await expect(aws('calling', () => attempt)).rejects.toBeInstanceOf(Invalid);
  });

  it('deletes a channel only once its endpoints are gone; missing ones are NotFound', async () => {
    await channelWithEndpoint();

    await expect(aws('deleting', () => client.send(new DeleteChannelCommand({ Id: 'pkg' })))).rejects.toBeInstanceOf(Invalid);
    await client.send(new DeleteOriginEndpointCommand({ Id: 'ep' }));
    await client.send(new DeleteChannelCommand({ Id: 'pkg' }));

    await expect(aws('deleting', () => client.send(new DeleteChannelCommand({ Id: 'pkg' })))).rejects.toBeInstanceOf(NotFound);
    await expect(aws('describing', () => client.send(new DescribeOriginEndpointCommand({ Id: 'ep' })))).rejects.toBeInstanceOf(NotFound);
  });

  it('has the media plane remove what a deleted endpoint served; a delete of an unknown one removes nothing', async () => {
    await channelWithEndpoint();

    await client.send(new DeleteOriginEndpointCommand({ Id: 'ep' }));
    await expect(aws('deleting', () => client.send(new DeleteOriginEndpointCommand({ Id: 'ep' })))).rejects.toBeInstanceOf(NotFound);

    expect(removedEndpoints).toEqual(['ep']);
  });

  it('keeps channels and endpoints across a restart', async () => {
    await channelWithEndpoint();

    open();
    const listed = await client.send(new ListOriginEndpointsCommand({ ChannelId: 'pkg' }));

    expect(listed.OriginEndpoints!.map((e) => e.Id)).toEqual(['ep']);
  });
});
