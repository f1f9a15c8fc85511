import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { mediaTools } from '../../../../local/ffmpeg';
import { spawnManaged, type ManagedProcess } from '../../../../local/processes';

const run = promisify(execFile);

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** s3rver on a free port with `buckets` made, and a client configured as the runtime's is. */
export async function startS3(directory: string, buckets: string[]): Promise<{ s3: S3Client; endpoint: string; close(): Promise<void> }> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    endpoint,
    async close() {
      s3.destroy();
      await server.close();
    },
  };
}

/**
 * Publishes a test pattern (320x180, `fps` frames/s, a sine tone) in real time to `url` for
 * `seconds`, the way OBS would: H.264 + AAC over RTMP.
 */
export function publish(url: string, seconds: number, fps = 15): ManagedProcess {
  const { ffmpeg } = mediaTools();
  return spawnManaged(
    ffmpeg.path,
    [
      '-hide_banner', '-nostats', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=${fps}`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', String(seconds),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k',
      '-f', 'flv', url,
    ],
    { name: 'test publisher', env: ffmpeg.env },
  );
}

/** Runs ffprobe and returns its JSON. */
export async function ffprobe(args: string[]): Promise<any> {
  const { ffprobe: tool } = mediaTools();
  const { stdout } = await run(tool.path, ['-v', 'error', '-of', 'json', ...args], {
    env: { ...process.env, ...tool.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** Video frames of a media file/URL: pts (s) and keyframe flag, in order. */
export async function videoFrames(input: string): Promise<{ pts: number; key: boolean }[]> {
  const out = await ffprobe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', input]);
  return (out.packets as { pts_time: string; flags: string }[]).map((p) => ({ pts: Number(p.pts_time), key: p.flags.startsWith('K') }));
}

/** Polls `check` until it returns something truthy or `deadlineMs` passes (then the last value). */
export async function waitFor<T>(check: () => Promise<T>, deadlineMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check().catch(() => undefined as T);
    if (value || Date.now() >= until) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
