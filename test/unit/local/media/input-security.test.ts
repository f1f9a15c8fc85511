import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChannelMedia } from '../../../../local/media-plane-contract';
import { startMediaPlane, type RunningMediaPlane } from '../../../../local/media/media-plane';
import { publish, startS3, tempDir } from '../../../fixtures/media';

// MediaLive ingests a push only from its input security group's CIDRs: "This input security group
// has a CIDR block that covers the IP addresses where the pushed source will appear on the public
// network, which ensures that MediaLive accepts the pushed content"
// (https://docs.aws.amazon.com/medialive/latest/ug/setup-result-rtmp-push.html; without one "any
// third party can push content to a MediaLive input":
// https://docs.aws.amazon.com/medialive/latest/ug/purpose-input-security-groups.html).
// Every local push arrives from 127.0.0.1, so a whitelist without it must see the push ignored.
let plane: RunningMediaPlane;
let s3: Awaited<ReturnType<typeof startS3>>;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const dir = await tempDir('input-security-');
  removeDir = dir.remove;
  s3 = await startS3(`${dir.path}/s3`, ['archive']);
  plane = await startMediaPlane({ rtmpPort: 0, mediaPort: 0, dataDir: dir.path, s3: s3.s3, liveLookup: () => undefined });
});

afterAll(async () => {
  await plane?.close();
  await s3?.close();
  await removeDir?.();
});

function channel(n: number, sourceCidrs: readonly string[]): ChannelMedia {
  return {
    channelId: `sg-channel${n}`,
    streamNames: [`live/sg-key${n}`],
    endpointId: `sg-endpoint${n}`,
    startoverWindowSeconds: 0,
    keyRotationInterval: 0,
    archive: [{ bucket: 'archive', keyBase: `sg${n}/archive_1` }],
    segmentLength: 2,
    sourceCidrs,
  };
}

const rtmp = (streamName: string) => `rtmp://127.0.0.1:${plane.rtmpPort}/${streamName}`;

describe('local ingest and the input security group', () => {
  it("ignores a push from outside the channel's whitelist, and takes one from inside it", async () => {
    // Prepare
    const remoteOnly = channel(1, ['203.0.113.0/24', '198.51.100.7/32']);
    const loopback = channel(2, ['10.0.0.0/8', '127.0.0.1/32']);
    await plane.plane.startChannel(remoteOnly);
    await plane.plane.startChannel(loopback);

    // Act
    const outside = await publish(rtmp(remoteOnly.streamNames[0]), 2).exited;
    const inside = await publish(rtmp(loopback.streamNames[0]), 2).exited;

    // Assess
    expect(outside.code).not.toBe(0);
    expect(inside.code).toBe(0);
    const ignored = await fetch(`http://127.0.0.1:${plane.mediaPort}/out/v1/${remoteOnly.endpointId}/index.m3u8`);
    expect(ignored.ok ? await ignored.text() : '').not.toContain('#EXTINF');
    await plane.plane.stopChannel(remoteOnly.channelId);
    await plane.plane.stopChannel(loopback.channelId);
  }, 30_000);
});
