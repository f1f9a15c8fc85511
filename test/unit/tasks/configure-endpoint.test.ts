import {
  DescribeOriginEndpointCommand,
  MediaPackageClient,
  UpdateOriginEndpointCommand,
  type DescribeOriginEndpointResponse,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { Invalid, NotFound } from '../../../core/domain/errors';
import { HLS_AES_128_SYSTEM_ID, run } from '../../../tasks/configure-endpoint';

const mediapackage = mockClient(MediaPackageClient);
const clear = loadConfig({});
const speke = loadConfig({ SPEKE_URL: 'https://keys.example.com/speke', SPEKE_ROLE_ARN: 'arn:aws:iam::000000000000:role/speke' });
const deps = (config = clear) => ({ mediapackage: mediapackage as unknown as MediaPackageClient, config });

const endpoint: DescribeOriginEndpointResponse = {
  Id: 'ep-1',
  ChannelId: 'pc-1',
  ManifestName: 'index',
  Description: 'stream s',
  StartoverWindowSeconds: 3600,
  TimeDelaySeconds: 0,
  Origination: 'ALLOW',
  Whitelist: ['198.51.100.0/24'],
  Url: 'https://x.mediapackage.us-east-1.amazonaws.com/out/v1/abc/index.m3u8',
  HlsPackage: {
    SegmentDurationSeconds: 6,
    PlaylistWindowSeconds: 60,
    Encryption: {
      EncryptionMethod: 'AES_128',
      KeyRotationIntervalSeconds: 60,
      SpekeKeyProvider: { Url: 'https://old', RoleArn: 'arn:old', ResourceId: 'ep-1', SystemIds: [HLS_AES_128_SYSTEM_ID] },
    },
  },
};

beforeEach(() => {
  mediapackage.reset();
  mediapackage.on(DescribeOriginEndpointCommand, { Id: 'ep-1' }).resolves(endpoint);
  mediapackage.on(UpdateOriginEndpointCommand).resolves({});
});

function sent() {
  return mediapackage.commandCalls(UpdateOriginEndpointCommand)[0].args[0].input;
}

describe('configure-endpoint', () => {
  it('with a SPEKE key server: AES-128 through SPEKE, rotating keys every key_rotation_interval seconds', async () => {
    // Act
    const out = await run({ endpoint_id: 'ep-1', startover_window_seconds: 7200, key_rotation_interval: 300 }, deps(speke));

    // Assess
    expect(out).toEqual({ endpoint_id: 'ep-1', startover_window_seconds: 7200, encryption: 'speke', key_rotation_interval_seconds: 300 });
    expect(sent()).toMatchObject({ Id: 'ep-1', StartoverWindowSeconds: 7200 });
    expect(sent().HlsPackage).toEqual({
      SegmentDurationSeconds: 6,
      PlaylistWindowSeconds: 60,
      Encryption: {
        EncryptionMethod: 'AES_128',
        KeyRotationIntervalSeconds: 300,
        SpekeKeyProvider: {
          Url: 'https://keys.example.com/speke',
          RoleArn: 'arn:aws:iam::000000000000:role/speke',
          ResourceId: 'ep-1',
          SystemIds: [HLS_AES_128_SYSTEM_ID],
        },
      },
    });
  });

  it('passes key_rotation_interval 0 through: one key, no rotation', async () => {
    await run({ endpoint_id: 'ep-1', startover_window_seconds: 3600, key_rotation_interval: 0 }, deps(speke));

    expect(sent().HlsPackage?.Encryption?.KeyRotationIntervalSeconds).toBe(0);
  });

  it('without a SPEKE key server: no encryption, and the output says so', async () => {
    const out = await run({ endpoint_id: 'ep-1', startover_window_seconds: 3600, key_rotation_interval: 60 }, deps(clear));

    expect(out).toEqual({ endpoint_id: 'ep-1', startover_window_seconds: 3600, encryption: 'none', key_rotation_interval_seconds: null });
    expect(sent().HlsPackage?.Encryption).toBeUndefined();
    expect(sent().HlsPackage?.SegmentDurationSeconds).toBe(6);
  });

  it("sends the endpoint's other settings back unchanged", async () => {
    await run({ endpoint_id: 'ep-1', startover_window_seconds: 3600, key_rotation_interval: 60 }, deps());

    expect(sent()).toMatchObject({
      ManifestName: 'index',
      Description: 'stream s',
      TimeDelaySeconds: 0,
      Origination: 'ALLOW',
      Whitelist: ['198.51.100.0/24'],
    });
  });

  it('fails loudly when SPEKE_URL is set without SPEKE_ROLE_ARN', async () => {
    const half = loadConfig({ SPEKE_URL: 'https://keys.example.com/speke' });

    await expect(run({ endpoint_id: 'ep-1', startover_window_seconds: 1, key_rotation_interval: 60 }, deps(half))).rejects.toThrow(
      'missing configuration: SPEKE_ROLE_ARN is not set',
    );
    expect(mediapackage.commandCalls(UpdateOriginEndpointCommand)).toHaveLength(0);
  });

  it('refuses an endpoint that is not HLS', async () => {
    mediapackage.on(DescribeOriginEndpointCommand).resolves({ ...endpoint, HlsPackage: undefined });

    await expect(run({ endpoint_id: 'ep-1', startover_window_seconds: 1, key_rotation_interval: 60 }, deps())).rejects.toBeInstanceOf(Invalid);
  });

  it('reports a missing endpoint as NotFound', async () => {
    mediapackage.on(DescribeOriginEndpointCommand).rejects(Object.assign(new Error('gone'), { name: 'NotFoundException', $metadata: { httpStatusCode: 404 } }));

    await expect(run({ endpoint_id: 'ep-1', startover_window_seconds: 1, key_rotation_interval: 60 }, deps())).rejects.toBeInstanceOf(NotFound);
  });
});
