import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeMediaTools, resolveTool } from '../../../local/ffmpeg';
import { tempDir } from '../../fixtures/media';

let dir: string;
let removeDir: () => Promise<void>;

async function fakeBinary(path: string, executable = true): Promise<string> {
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, executable ? 0o755 : 0o644);
  return path;
}

beforeAll(async () => {
  const temp = await tempDir('media-tools-');
  dir = temp.path;
  removeDir = temp.remove;
  await mkdir(join(dir, 'bin'));
});

afterAll(async () => {
  await removeDir();
});

describe('resolveTool', () => {
  it('prefers the variable (FFMPEG_PATH, FFPROBE_PATH)', async () => {
    // Prepare
    const ffmpeg = await fakeBinary(join(dir, 'my-ffmpeg'));
    await fakeBinary(join(dir, 'bin', 'ffmpeg'));

    // Act
    const tool = resolveTool('ffmpeg', { FFMPEG_PATH: ffmpeg, PATH: join(dir, 'bin') });

    // Assess
    expect(tool).toEqual({ name: 'ffmpeg', path: ffmpeg, source: 'env', env: {} });
  });

  it('refuses a variable that names no executable, rather than silently using another', async () => {
    // Prepare
    const notExecutable = await fakeBinary(join(dir, 'not-executable'), false);

    // Act + Assess
    expect(() => resolveTool('ffprobe', { FFPROBE_PATH: notExecutable })).toThrow(/FFPROBE_PATH=.* is not an executable file/);
  });

  it('then takes the one on PATH', async () => {
    // Prepare
    const ffprobe = await fakeBinary(join(dir, 'bin', 'ffprobe'));

    // Act
    const tool = resolveTool('ffprobe', { PATH: `/nonexistent:${join(dir, 'bin')}` });

    // Assess
    expect(tool).toMatchObject({ path: ffprobe, source: 'path', env: {} });
  });

  it('else the npm static build, run without the system iconv modules', () => {
    // Act
    const ffmpeg = resolveTool('ffmpeg', { PATH: '/nonexistent' });
    const ffprobe = resolveTool('ffprobe', { PATH: '/nonexistent' });

    // Assess
    expect(ffmpeg).toMatchObject({ source: 'npm', env: { GCONV_PATH: expect.any(String) } });
    expect(ffmpeg.path).toMatch(/@ffmpeg-installer/);
    expect(ffprobe.path).toMatch(/@ffprobe-installer/);
  });

  it('describes which build runs and what that means', () => {
    // Act
    const lines = describeMediaTools({
      ffmpeg: resolveTool('ffmpeg', { PATH: '/nonexistent' }),
      ffprobe: resolveTool('ffprobe', { PATH: join(dir, 'bin') }),
    });

    // Assess
    expect(lines[0]).toMatch(/^ffmpeg: .*npm package.*2018 build.*input seeking is inaccurate/);
    expect(lines[1]).toMatch(/^ffprobe: .*found on PATH/);
  });
});
