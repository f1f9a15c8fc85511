import { createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChannelMedia } from '../../../../local/media-plane-contract';
import { startMediaPlane, type RunningMediaPlane } from '../../../../local/media/media-plane';
import { managedCount } from '../../../../local/processes';
import { ffprobe, publish, startS3, tempDir, videoFrames, waitFor } from '../../../fixtures/media';

// Real ffmpeg (the one the runtime resolves: the npm 2018 build on CI), publishing a 320x180
// test pattern at 15 fps over RTMP.
const FPS = 15;
const BUCKET = 'archive';
let plane: RunningMediaPlane;
let s3: Awaited<ReturnType<typeof startS3>>;
let removeDir: () => Promise<void>;
let dataDir: string;
let channelCount = 0;

beforeAll(async () => {
  const dir = await tempDir('media-plane-');
  removeDir = dir.remove;
  dataDir = dir.path;
  s3 = await startS3(`${dir.path}/s3`, [BUCKET]);
  plane = await startMediaPlane({
    rtmpPort: 0,
    mediaPort: 0,
    dataDir: dir.path,
    s3: s3.s3,
    liveLookup: () => undefined,
    // node-media-server's 30 s wait for a publisher to come back, shortened so a test can outwait it.
    publishGraceMs: 2000,
  });
});

afterAll(async () => {
  await plane?.close();
  await s3?.close();
  await removeDir?.();
});

function channel(overrides: Partial<ChannelMedia> = {}): ChannelMedia {
  channelCount += 1;
  const n = channelCount;
  return {
    channelId: `channel${n}`,
    streamNames: [`live/key${n}a`, `live/key${n}b`],
    endpointId: `endpoint${n}`,
    startoverWindowSeconds: 3600,
    keyRotationInterval: 0,
    archive: [
      { bucket: BUCKET, keyBase: `session${n}/archive_1` },
      { bucket: BUCKET, keyBase: `session${n}/archive_2` },
    ],
    segmentLength: 2,
    ...overrides,
  };
}

const rtmp = (streamName: string) => `rtmp://127.0.0.1:${plane.rtmpPort}/${streamName}`;
const hls = (media: ChannelMedia, file = 'index.m3u8') => `http://127.0.0.1:${plane.mediaPort}/out/v1/${media.endpointId}/${file}`;
const s3Url = (key: string) => `${s3.endpoint}/${BUCKET}/${key}`;

async function archiveKeys(prefix: string): Promise<string[]> {
  const listed = await s3.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function playlist(media: ChannelMedia): Promise<string> {
  const res = await fetch(hls(media));
  return res.ok ? res.text() : '';
}

async function bytes(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The pipeline ffmpeg of an endpoint: the process reading `pipe:0` in the endpoint's directory. */
function pipelinePids(media: ChannelMedia): number[] {
  const endpointDir = realpathSync(join(dataDir, 'media', media.endpointId));
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pipe:0') && readlinkSync(`/proc/${pid}/cwd`) === endpointDir;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const isTransportStream = (data: Buffer) => data.length % 188 === 0 && data[0] === 0x47 && data[188] === 0x47;

/** AES-128-CBC as HLS players do it; false when the key is wrong (bad padding or not MPEG-TS). */
function decryptsToTransportStream(data: Buffer, key: Buffer, ivHex: string): boolean {
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from(ivHex.slice(2), 'hex'));
    return isTransportStream(Buffer.concat([decipher.update(data), decipher.final()]));
  } catch {
    return false;
  }
}

describe('local media plane', () => {
  it('fails to start, naming the port, when the RTMP port is taken', async () => {
    // Prepare
    const other = await tempDir('media-plane-taken-');

    // Act
    const starting = startMediaPlane({ rtmpPort: plane.rtmpPort, mediaPort: 0, dataDir: other.path, s3: s3.s3, liveLookup: () => undefined });

    // Assess
    await expect(starting).rejects.toThrow(`RTMP ingest cannot listen on 127.0.0.1:${plane.rtmpPort}`);
    await other.remove();
  });

  it('accepts a publish only on a running channel’s own keys', async () => {
    // Prepare
    const media = channel();
    const beforeStart = await publish(rtmp(media.streamNames[0]), 2).exited;
    await plane.plane.startChannel(media);

    // Act
    const wrongKey = await publish(rtmp('live/not-a-key'), 2).exited;
    const ownKey = await publish(rtmp(media.streamNames[1]), 2).exited;
    await plane.plane.stopChannel(media.channelId);
    const afterStop = await publish(rtmp(media.streamNames[1]), 2).exited;

    // Assess
    expect(beforeStart.code).not.toBe(0);
    expect(wrongKey.code).not.toBe(0);
    expect(ownKey.code).toBe(0);
    expect(afterStop.code).not.toBe(0);
  }, 30_000);

  it('stopChannel cuts the publisher off, ends the pipeline and stores the last segment', async () => {
    // Prepare: a publisher that would go on for longer than the test may take
    const media = channel({ segmentLength: 2 });
    await plane.plane.startChannel(media);
    const publisher = publish(rtmp(media.streamNames[0]), 60, FPS);
    const prefix = `session${channelCount}/`;
    await waitFor(async () => (await archiveKeys(prefix)).length >= 2, 15_000);

    // Act
    await plane.plane.stopChannel(media.channelId);
    await publisher.exited;

    // Assess: every segment stored, the last one whole as far as it went
    const stored = await archiveKeys(prefix);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const last = await videoFrames(s3Url(stored.at(-1)!));
    expect(last.length).toBeGreaterThan(0);
    expect(last[0].key).toBe(true);
    expect(await playlist(media)).toContain('#EXT-X-ENDLIST');
    expect(managedCount()).toBe(0);
  }, 30_000);

  it('ends the pipeline of a channel whose runs end with their publish (IVS) once the publish ends, and runs again on the next', async () => {
    // Prepare
    const media = channel({ archive: [], runEndsWithPublish: true });
    await plane.plane.startChannel(media);

    // Act: publish, stop publishing, wait out the publish grace (2 s here)
    expect((await publish(rtmp(media.streamNames[0]), 3, FPS).exited).code).toBe(0);
    const ended = await waitFor(() => Promise.resolve(managedCount() === 0 ? true : undefined), 15_000);
    const again = publish(rtmp(media.streamNames[0]), 3, FPS);
    const restarted = await waitFor(() => Promise.resolve(managedCount() >= 2 ? true : undefined), 15_000);
    await again.exited;

    // Assess: no ffmpeg left waiting while the channel is kept
    expect(ended).toBe(true);
    expect(restarted).toBe(true);
    await plane.plane.stopChannel(media.channelId);
    expect(managedCount()).toBe(0);
  }, 45_000);

  it('removeEndpoint of a stopped channel serves nothing more and removes its live files, keeping the archive', async () => {
    // Prepare: a stopped channel whose ended playlist is still served
    const media = channel({ segmentLength: 2 });
    await plane.plane.startChannel(media);
    const publisher = publish(rtmp(media.streamNames[0]), 60, FPS);
    const prefix = `session${channelCount}/`;
    await waitFor(async () => (await playlist(media)).includes('#EXTINF') && (await archiveKeys(prefix)).length >= 1, 15_000);
    await plane.plane.stopChannel(media.channelId);
    await publisher.exited;
    expect(await playlist(media)).toContain('#EXT-X-ENDLIST');

    // Act
    await plane.plane.removeEndpoint(media.endpointId);

    // Assess
    expect((await fetch(hls(media))).status).toBe(404);
    expect(existsSync(join(dataDir, 'media', media.endpointId))).toBe(false);
    expect((await archiveKeys(prefix)).length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('removeEndpoint of a running channel stops it and refuses ids that are not a plain name', async () => {
    // Prepare
    const media = channel();
    await plane.plane.startChannel(media);

    // Act
    await plane.plane.removeEndpoint(media.endpointId);
    const afterRemove = await publish(rtmp(media.streamNames[0]), 2).exited;

    // Assess: the channel no longer accepts publishes; a path-like id touches nothing
    expect(afterRemove.code).not.toBe(0);
    await expect(plane.plane.removeEndpoint('..')).rejects.toThrow('not an origin endpoint id');
    expect(existsSync(join(dataDir, 'media'))).toBe(true);
  }, 30_000);

  it('serves live HLS encrypted with keys rotated on time, that decrypts with the served keys', async () => {
    // Prepare
    const media = channel({ keyRotationInterval: 3 });
    await plane.plane.startChannel(media);

    // Act
    const publisher = publish(rtmp(media.streamNames[0]), 10, FPS);
    const whileLive = await waitFor(async () => {
      const text = await playlist(media);
      return text.includes('#EXTINF') ? text : '';
    }, 15_000);
    await publisher.exited;
    await plane.plane.stopChannel(media.channelId);
    const ended = await playlist(media);

    // Assess: live, then ended, with more than one key
    expect(whileLive).toContain('#EXT-X-KEY:METHOD=AES-128');
    expect(whileLive).not.toContain('#EXT-X-ENDLIST');
    expect(ended).toContain('#EXT-X-ENDLIST');
    const keys = [...ended.matchAll(/#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)",IV=(0x[0-9a-f]{32})/g)].map((m) => ({ uri: m[1], iv: m[2] }));
    expect(new Set(keys.map((k) => k.uri)).size).toBeGreaterThanOrEqual(2);

    // Assess: a segment is encrypted, decrypts with its key and IV, and not with another key
    const firstSegment = /^segments\/.+\.ts$/m.exec(ended)![0];
    const encrypted = await bytes(hls(media, firstSegment));
    const [own, other] = [await bytes(hls(media, keys[0].uri)), await bytes(hls(media, keys.at(-1)!.uri))];
    expect(isTransportStream(encrypted)).toBe(false);
    expect(decryptsToTransportStream(encrypted, own, keys[0].iv)).toBe(true);
    expect(decryptsToTransportStream(encrypted, other, keys[0].iv)).toBe(false);

    // Assess: a player (ffprobe) reads the whole stream through the playlist
    const probe = await ffprobe(['-count_packets', '-show_entries', 'stream=codec_type,width,height,nb_read_packets', hls(media)]);
    const video = probe.streams?.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: 320, height: 180 });
    expect(Number(video?.nb_read_packets)).toBeGreaterThanOrEqual(8 * FPS);
  }, 30_000);

  it('archives segments of exactly segment_length seconds, each stored once closed, the last at stop', async () => {
    // Prepare
    const media = channel({ segmentLength: 2 });
    await plane.plane.startChannel(media);
    const publisher = publish(rtmp(media.streamNames[0]), 7, FPS);

    // Act
    const prefix = `session${channelCount}/`;
    const duringPublish = await waitFor(async () => {
      const keys = await archiveKeys(prefix);
      return keys.length > 0 && keys;
    }, 15_000);
    const firstStored = duringPublish ? await videoFrames(s3Url(duringPublish[0])) : [];
    await publisher.exited;
    await plane.plane.stopChannel(media.channelId);
    const stored = await archiveKeys(prefix);

    // Assess: while publishing, only whole segments are in S3
    expect(firstStored).toHaveLength(2 * FPS);
    // Assess: named like MediaLive's, counted from 1, one pipeline published
    expect(stored).toEqual([1, 2, 3, 4].map((n) => `${prefix}archive_1.00000${n}.ts`));
    const segments = await Promise.all(stored.map((key) => videoFrames(s3Url(key))));
    for (const frames of segments.slice(0, -1)) {
      expect(frames).toHaveLength(2 * FPS);
      expect(frames[0].key).toBe(true);
    }
    expect(segments.at(-1)!.length).toBeGreaterThan(0);
    expect(segments.at(-1)!.length).toBeLessThanOrEqual(2 * FPS);
    // One timeline: each segment starts one frame after the previous ends.
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i][0].pts - segments[i - 1].at(-1)!.pts).toBeCloseTo(1 / FPS, 3);
    }
    expect(managedCount()).toBe(0);
  }, 30_000);

  it('keeps one timeline across publisher reconnects, within node-media-server’s grace and after it', async () => {
    // Prepare
    const media = channel({ segmentLength: 2 });
    await plane.plane.startChannel(media);

    // Act: publish, reconnect at once (resumed within the grace), then again after the grace ran out
    await publish(rtmp(media.streamNames[0]), 3, FPS).exited;
    await publish(rtmp(media.streamNames[0]), 3, FPS).exited;
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await publish(rtmp(media.streamNames[0]), 3, FPS).exited;
    await plane.plane.stopChannel(media.channelId);

    // Assess: whole segments all along, no jump in time, no discontinuity in the playlist
    const stored = await archiveKeys(`session${channelCount}/`);
    const segments = await Promise.all(stored.map((key) => videoFrames(s3Url(key))));
    for (const frames of segments.slice(0, -1)) expect(frames).toHaveLength(2 * FPS);
    const pts = segments.flat().map((f) => f.pts);
    const steps = pts.slice(1).map((p, i) => p - pts[i]);
    expect(Math.max(...steps)).toBeLessThan(0.1);
    expect(pts.length).toBeGreaterThanOrEqual(8 * FPS);
    const text = await playlist(media);
    expect(text).not.toContain('#EXT-X-DISCONTINUITY');
    expect(text).not.toContain('#EXT-X-KEY'); // key_rotation_interval 0: clear
  }, 30_000);

  it('restarts a pipeline whose ffmpeg dies: counters run on, on the segment grid, after a discontinuity', async () => {
    // Prepare
    const media = channel({ segmentLength: 2 });
    await plane.plane.startChannel(media);
    const publisher = publish(rtmp(media.streamNames[0]), 12, FPS);
    await waitFor(async () => (await playlist(media)).includes('#EXTINF'), 15_000);
    const [victim] = pipelinePids(media);

    // Act
    process.kill(victim, 'SIGKILL');
    const restarted = await waitFor(() => Promise.resolve(pipelinePids(media).some((pid) => pid !== victim)), 10_000);
    await publisher.exited;
    await plane.plane.stopChannel(media.channelId);

    // Assess: counters 1…n with none twice, whole segments but the last, each where its counter says
    expect(restarted).toBe(true);
    const stored = await archiveKeys(`session${channelCount}/`);
    const counters = stored.map((key) => Number(/\.(\d{6})\.ts$/.exec(key)![1]));
    expect(counters).toEqual(counters.map((_, i) => i + 1));
    const segments = await Promise.all(stored.map((key) => videoFrames(s3Url(key))));
    for (const frames of segments.slice(0, -1)) expect(frames).toHaveLength(2 * FPS);
    // Within a frame: the new run's clock starts on the grid, the first run's a frame after it.
    const origin = segments[0][0].pts;
    segments.forEach((frames, i) => expect(Math.abs(frames[0].pts - i * 2 - origin)).toBeLessThanOrEqual(1 / FPS + 0.001));
    expect(await playlist(media)).toContain('#EXT-X-DISCONTINUITY');
  }, 30_000);
});
