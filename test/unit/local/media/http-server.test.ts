import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startMediaHttpServer, type MediaHttpServer } from '../../../../local/media/http-server';
import { tempDir } from '../../../fixtures/media';

const STREAM_ID = '0123456789abcdef0123456789abcdef';
const PLAYLIST = '#EXTM3U\n#EXTINF:4.000000,\nsegments/p1-r1-000000.ts\n';
let live = new Map<string, string>();
let server: MediaHttpServer;
let base: string;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const dir = await tempDir('media-http-');
  removeDir = dir.remove;
  const endpoint = join(dir.path, 'ep1');
  await mkdir(join(endpoint, 'segments'), { recursive: true });
  await mkdir(join(endpoint, 'keys'), { recursive: true });
  await mkdir(join(endpoint, 'work'), { recursive: true });
  await writeFile(join(endpoint, 'index.m3u8'), PLAYLIST);
  await writeFile(join(endpoint, 'segments', 'p1-r1-000000.ts'), Buffer.alloc(376, 0x47));
  await writeFile(join(endpoint, 'segments', 'p1-r1.m3u8'), 'private');
  await writeFile(join(endpoint, 'keys', '000001-ab.key'), Buffer.alloc(16, 7));
  await writeFile(join(endpoint, 'work', 'keyinfo.txt'), 'secret paths');
  server = await startMediaHttpServer({ port: 0, root: dir.path, liveLookup: (id) => (live.has(id) ? { endpointId: live.get(id)! } : undefined) });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await removeDir?.();
});

describe('media HTTP server', () => {
  it('serves the live playlist, uncached, with CORS open', async () => {
    // Act
    const res = await fetch(`${base}/out/v1/ep1/index.m3u8`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(PLAYLIST);
  });

  it('serves the segments and keys a playlist names', async () => {
    // Act
    const segment = await fetch(`${base}/out/v1/ep1/segments/p1-r1-000000.ts`);
    const key = await fetch(`${base}/out/v1/ep1/keys/000001-ab.key`);

    // Assess
    expect(segment.headers.get('content-type')).toBe('video/MP2T');
    expect((await segment.arrayBuffer()).byteLength).toBe(376);
    expect(Buffer.from(await key.arrayBuffer())).toEqual(Buffer.alloc(16, 7));
  });

  it.each([
    ['a pipeline file', '/out/v1/ep1/work/keyinfo.txt'],
    ["ffmpeg's own playlist", '/out/v1/ep1/segments/p1-r1.m3u8'],
    ['a path outside the endpoint', '/out/v1/ep1/../ep1/work/keyinfo.txt'],
    ['an encoded path outside the endpoint', '/out/v1/ep1/segments/..%2f..%2fep1%2fwork%2fkeyinfo.txt'],
    ['an unknown endpoint', '/out/v1/nope/index.m3u8'],
    ['anything else', '/'],
  ])('does not serve %s', async (_what, path) => {
    // Act
    const res = await fetch(`${base}${path}`);

    // Assess
    expect(res.status).toBe(404);
  });

  it('answers a CORS preflight', async () => {
    // Act
    const res = await fetch(`${base}/out/v1/ep1/index.m3u8`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://player.example', 'Access-Control-Request-Method': 'GET' },
    });

    // Assess
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('refuses other methods', async () => {
    // Act
    const res = await fetch(`${base}/out/v1/ep1/index.m3u8`, { method: 'POST' });

    // Assess
    expect(res.status).toBe(405);
  });

  it('serves /live/{stream_id}/… only while the stream is live', async () => {
    // Prepare
    const url = `${base}/live/${STREAM_ID}/index.m3u8`;
    const before = await fetch(url);

    // Act
    live.set(STREAM_ID, 'ep1');
    const whileLive = await fetch(url);
    const key = await fetch(`${base}/live/${STREAM_ID}/keys/000001-ab.key`);
    live = new Map();
    const after = await fetch(url);

    // Assess
    expect(before.status).toBe(404);
    expect(whileLive.status).toBe(200);
    expect(await whileLive.text()).toBe(PLAYLIST);
    expect(key.status).toBe(200);
    expect(after.status).toBe(404);
  });
});
