import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseVodPlaylist } from '../../../core/domain/hls-playlist';
import { sessionPlaylistFacts } from '../../../core/domain/playlist-facts';
import { FRAME_RATES } from '../../../core/domain/timecode';
import { localS3Client } from '../../../local/s3';
import { startS3, type LocalS3 } from '../../../local/s3rver';
import { errorOf } from '../../fixtures/api-reply';
import { videoStream } from '../../fixtures/ts-bytes';
import { ApiHarness } from './harness';
import { MAX_PLAYLIST_BYTES, assertAnswerable } from '../../../api/actions/sessions';

const BUCKET = 'fem-livestream-archive';
const SESSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const GAPPED = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
const EMPTY = 'c1b2c3d4e5f60718293a4b5c6d7e8f90';
const prefixOf = (session: string) => `2026/03/01/abc-1772366400-${session.slice(0, 4)}/`;

// 25 fps, segments 10 s apart; the last (counter 3) holds 62 frames: 2.48 s.
const FIRST = videoStream(900_000, 3600, 40);
const MIDDLE = videoStream(900_000 + 10 * 90_000, 3600, 40);
const LAST = videoStream(900_000 + 2 * 10 * 90_000, 3600, 62);

/** The API over the local S3 (s3rver) as the cloud runs it (presigned URLs) and as the local runtime does (plain URLs). */
let s3: LocalS3;
let dir: string;
const cloud = new ApiHarness();
const local = new ApiHarness();
let streamId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sessions-'));
  s3 = await startS3({ port: 0, directory: dir, buckets: [BUCKET] });
  const client = localS3Client(s3.endpoint);
  const put = (key: string, body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  // Session 1: pipeline 1 lacks segment 2 (pipeline 2 has it); a split's playlist sits beside them.
  await Promise.all([
    put(`${prefixOf(SESSION)}archive_1.000001.ts`, FIRST),
    put(`${prefixOf(SESSION)}archive_2.000001.ts`, FIRST),
    put(`${prefixOf(SESSION)}archive_2.000002.ts`, MIDDLE),
    put(`${prefixOf(SESSION)}archive_1.000003.ts`, LAST),
    put(`${prefixOf(SESSION)}index_wk_0.m3u8`, '#EXTM3U\n'),
    // Session 2: neither pipeline recorded segment 2.
    put(`${prefixOf(GAPPED)}archive_1.000001.ts`, FIRST),
    put(`${prefixOf(GAPPED)}archive_1.000003.ts`, LAST),
    // Session 3: started, nothing closed yet.
    put(`${prefixOf(EMPTY)}index_wk_0.m3u8`, '#EXTM3U\n'),
  ]);
  for (const h of [cloud, local]) h.s3 = client;
  await cloud.start();
  await local.start({ PLAIN_DOWNLOAD_BASE_URL: s3.endpoint });
  const archives_path = Object.fromEntries([SESSION, GAPPED, EMPTY].map((s) => [s, `s3://${BUCKET}/${prefixOf(s)}`]));
  const stream = await local.seed({ archives_path });
  await cloud.store.create(stream);
  streamId = stream.id;
}, 30_000);
afterAll(async () => {
  await cloud.stop();
  await local.stop();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The route's raw answer (a playlist is not JSON, so not through `call`). */
async function playlist(h: ApiHarness, stream: string, session: string) {
  const res = await h.api.handle({
    httpMethod: 'GET',
    path: `/streams/${stream}/sessions/${session}/playlist.m3u8`,
    headers: {},
    body: null,
    isBase64Encoded: false,
  });
  return { status: res.statusCode, type: res.headers?.['Content-Type'], text: res.body };
}

describe('GET /streams/{id}/sessions/{session_id}/playlist.m3u8', () => {
  it('locally: a VOD playlist of one pipeline (filled from the other) with plain local S3 URLs a browser can GET', async () => {
    const res = await playlist(local, streamId, SESSION);

    expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'application/vnd.apple.mpegurl' });
    const parsed = parseVodPlaylist(res.text);
    const base = `${s3.endpoint}/${BUCKET}/${prefixOf(SESSION)}`;
    expect(parsed.segments).toEqual([
      { uri: `${base}archive_1.000001.ts`, duration: 10 },
      { uri: `${base}archive_2.000002.ts`, duration: 10 },
      { uri: `${base}archive_1.000003.ts`, duration: 2.48 },
    ]);
    expect(parsed.mediaSequence).toBe(1);
    expect(res.text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(sessionPlaylistFacts(res.text)).toEqual({ frameRate: FRAME_RATES['25'], duration: 22.48 });
    // Assess: the URL is one the local S3 serves as is (bytes intact)
    const segment = await fetch(parsed.segments[2].uri);
    expect(segment.status).toBe(200);
    expect(new Uint8Array(await segment.arrayBuffer())).toEqual(LAST);
  });

  it('in the cloud: every segment a presigned GET of the archive bucket, valid an hour', async () => {
    const res = await playlist(cloud, streamId, SESSION);

    expect(res.status).toBe(200);
    const urls = parseVodPlaylist(res.text).segments.map((s) => new URL(s.uri));
    expect(urls.map((u) => u.pathname)).toEqual(
      ['archive_1.000001.ts', 'archive_2.000002.ts', 'archive_1.000003.ts'].map((name) => `/${BUCKET}/${prefixOf(SESSION)}${name}`),
    );
    for (const url of urls) {
      expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('keeps a segment no pipeline recorded as an EXT-X-GAP, so the time after it stays where it was recorded', async () => {
    const res = await playlist(local, streamId, GAPPED);

    expect(res.status).toBe(200);
    const lines = res.text.split('\n');
    const gap = lines.indexOf('#EXT-X-GAP');
    expect(lines.slice(gap - 1, gap + 2)).toEqual(['#EXTINF:10.000000,', '#EXT-X-GAP', `${s3.endpoint}/${BUCKET}/${prefixOf(GAPPED)}archive_1.000002.ts`]);
    expect(sessionPlaylistFacts(res.text).duration).toBeCloseTo(22.48, 6);
  });

  it('answers 404 for an unknown stream or session, 422 for a session with no segment yet', async () => {
    const unknownSession = await local.call('GET', `/streams/${streamId}/sessions/ffff/playlist.m3u8`);
    const unknownStream = await local.call('GET', `/streams/0123456789abcdef0123456789abcdef/sessions/${SESSION}/playlist.m3u8`);
    const empty = await local.call('GET', `/streams/${streamId}/sessions/${EMPTY}/playlist.m3u8`);

    local.expectError(unknownSession, 404, 'NotFound', /has no session ffff/);
    expect(unknownStream.status).toBe(404);
    local.expectError(empty, 422, 'Unprocessable', new RegExp(`session ${EMPTY} has no archive segments yet`));
    expect(errorOf(empty).message).not.toMatch(/s3:\/\//);
  });

  it('refuses with 422 a playlist too big for one Lambda answer (6 MB), saying how big, instead of the gateway\'s 502', () => {
    // Prepare: 2,500 presigned URLs of ~2 KB (the role's session token makes them that long)
    const url = `https://archive.s3.amazonaws.com/seg.ts?X-Amz-Security-Token=${'t'.repeat(2000)}`;
    const body = Array.from({ length: 2500 }, () => `#EXTINF:10.0,\n${url}`).join('\n');
    // Act
    const refused = (() => {
      try {
        assertAnswerable(body, 2500, 's'.repeat(32));
        return undefined;
      } catch (err) {
        return err as { status: number; message: string };
      }
    })();
    // Assess
    expect(refused).toMatchObject({ status: 422, message: expect.stringMatching(/2500 segments: its playlist would be 5\.\d MB, over the 5 MB/) });
    expect(() => assertAnswerable(body.slice(0, MAX_PLAYLIST_BYTES), 1, 's')).not.toThrow();
  });
});
