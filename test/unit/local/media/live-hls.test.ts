import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LiveHls } from '../../../../local/media/live-hls';
import type { KeyRotation } from '../../../../local/media/keys';
import { tempDir } from '../../../fixtures/media';

let dir: string;
let removeDir: () => Promise<void>;
const retained: Set<string>[] = [];
const keys: KeyRotation = {
  infoFile: 'work/keyinfo.txt',
  retainOnly(uris) {
    retained.push(new Set(uris));
    return Promise.resolve();
  },
  stop() {},
};

beforeEach(async () => {
  const temp = await tempDir('live-hls-');
  dir = temp.path;
  removeDir = temp.remove;
  retained.length = 0;
  await mkdir(join(dir, 'segments'));
});

afterEach(async () => {
  await removeDir();
});

async function segment(run: string, n: number, keyUri?: string) {
  const file = join(dir, 'segments', `${run}-${String(n).padStart(6, '0')}.ts`);
  await writeFile(file, 'ts');
  return { sequence: n, uri: file, file, duration: 4, key: keyUri ? { uri: keyUri, iv: `0x${'0'.repeat(32)}` } : undefined };
}

describe('LiveHls', () => {
  it('shows one run at a time and switches to the next run after a discontinuity', async () => {
    // Prepare
    const hls = new LiveHls(dir, { windowSeconds: 60, segmentSeconds: 4 }, undefined);

    // Act
    hls.add('p1-r1', await segment('p1-r1', 0));
    hls.add('p2-r1', await segment('p2-r1', 0)); // the other pipeline: not the source
    hls.endRun('p1-r1');
    hls.add('p2-r1', await segment('p2-r1', 1));
    await hls.end();

    // Assess
    const text = await readFile(join(dir, 'index.m3u8'), 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('segments/') || l.startsWith('#EXT-X-DISC') || l.startsWith('#EXT-X-END'))).toEqual([
      'segments/p1-r1-000000.ts',
      '#EXT-X-DISCONTINUITY',
      'segments/p2-r1-000001.ts',
      '#EXT-X-ENDLIST',
    ]);
    expect(await readdir(join(dir, 'segments'))).not.toContain('p2-r1-000000.ts');
  });

  it('fails over to another run when the source has delivered nothing for two segment lengths', async () => {
    // Prepare
    let now = 0;
    const hls = new LiveHls(dir, { windowSeconds: 60, segmentSeconds: 4 }, undefined, () => now);
    hls.add('p1-r1', await segment('p1-r1', 0));
    now = 4000;
    hls.add('p2-r1', await segment('p2-r1', 0)); // the source is fresh: not shown

    // Act: the source's publisher is gone; the other pipeline goes on
    now = 12_500;
    hls.add('p2-r1', await segment('p2-r1', 1));
    hls.add('p1-r1', await segment('p1-r1', 1)); // back, but no longer the source
    await hls.end();

    // Assess
    const text = await readFile(join(dir, 'index.m3u8'), 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('segments/') || l.startsWith('#EXT-X-DISC'))).toEqual([
      'segments/p1-r1-000000.ts',
      '#EXT-X-DISCONTINUITY',
      'segments/p2-r1-000001.ts',
    ]);
  });

  it('deletes segments some time after they leave the window, and the keys no segment needs', async () => {
    // Prepare: a window of two segments
    const hls = new LiveHls(dir, { windowSeconds: 8, segmentSeconds: 4 }, keys);

    // Act
    for (let n = 0; n < 10; n++) hls.add('p1-r1', await segment('p1-r1', n, `keys/${Math.floor(n / 3)}.key`));
    await hls.end();

    // Assess: 2 in the window + 6 kept for late readers; 0 and 1 gone
    const files = (await readdir(join(dir, 'segments'))).sort();
    expect(files).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((n) => `p1-r1-00000${n}.ts`));
    const text = await readFile(join(dir, 'index.m3u8'), 'utf8');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:8');
    expect([...retained.at(-1)!].sort()).toEqual(['keys/0.key', 'keys/1.key', 'keys/2.key', 'keys/3.key']);
  });
});
