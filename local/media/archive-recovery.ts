import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { logger } from '../../core/lambda/logger';
import { PipelineAlarm, OUTPUT_WRITE_ALERT } from './alerts';
import { ArchiveUploader, type ArchiveTarget } from './archive';

/**
 * Archive segments that outlive a killed runtime. ffmpeg lists a segment in its segment list once
 * it has closed it, and the runtime uploads it a moment later; a runtime killed in between (or
 * ffmpeg flushing its last segment as it sees the runtime die) leaves closed segments on disk
 * that MediaLive would have stored. Each archive directory keeps its S3 target beside the
 * segments, so the next start can store them before it clears the media directory.
 */
const TARGET_FILE = 'target.json';
const TargetSchema = z.object({ bucket: z.string().min(1), keyBase: z.string().min(1) });
/** A segment list line: `archive.000042.ts,{start},{end}`. */
const LISTED = /^(archive\.(\d+)\.ts),/;

/** Notes where the segments of `dir` belong, for {@link storeLeftoverSegments}. */
export async function noteArchiveTarget(dir: string, target: ArchiveTarget): Promise<void> {
  await writeFile(join(dir, TARGET_FILE), JSON.stringify({ bucket: target.bucket, keyBase: target.keyBase }));
}

/**
 * Stores every closed segment still on disk under `mediaRoot/{endpoint}/{archive dir}/`, in
 * counter order per directory; returns how many. What cannot be stored is logged and left.
 */
export async function storeLeftoverSegments(mediaRoot: string, s3: S3Client): Promise<number> {
  let stored = 0;
  for (const dir of await archiveDirs(mediaRoot)) {
    const target = await readTarget(dir);
    if (!target) continue;
    // The channel of a previous run is gone: a segment that still cannot be stored is logged, with no alert to raise.
    const uploader = new ArchiveUploader(s3, target, new PipelineAlarm(undefined, 'previous-run', 0, OUTPUT_WRITE_ALERT));
    for (const { file, counter } of await listedSegments(dir)) {
      uploader.enqueue(file, counter);
      stored += 1;
    }
    await uploader.drained();
  }
  if (stored > 0) logger.warn('local runtime: stored archive segments left by the previous run', { segments: stored });
  return stored;
}

async function archiveDirs(mediaRoot: string): Promise<string[]> {
  const endpoints = await readdir(mediaRoot, { withFileTypes: true }).catch(() => []);
  const dirs: string[] = [];
  for (const endpoint of endpoints.filter((e) => e.isDirectory())) {
    const inside = await readdir(join(mediaRoot, endpoint.name), { withFileTypes: true });
    dirs.push(...inside.filter((d) => d.isDirectory() && existsSync(join(mediaRoot, endpoint.name, d.name, TARGET_FILE))).map((d) => join(mediaRoot, endpoint.name, d.name)));
  }
  return dirs;
}

async function readTarget(dir: string): Promise<ArchiveTarget | undefined> {
  const parsed = TargetSchema.safeParse(JSON.parse(await readFile(join(dir, TARGET_FILE), 'utf8').catch(() => 'null')));
  return parsed.success ? parsed.data : undefined;
}

/** The segments the lists in `dir` name as closed and that are still there (stored ones are removed). */
async function listedSegments(dir: string): Promise<{ file: string; counter: number }[]> {
  const segments = new Map<number, string>();
  for (const list of (await readdir(dir)).filter((f) => f.endsWith('.csv'))) {
    for (const line of (await readFile(join(dir, list), 'utf8')).split('\n')) {
      const match = LISTED.exec(line.trim());
      if (match && existsSync(join(dir, match[1]!))) segments.set(Number(match[2]), join(dir, match[1]!));
    }
  }
  return [...segments].sort(([a], [b]) => a - b).map(([counter, file]) => ({ file, counter }));
}
