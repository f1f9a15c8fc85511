import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../core/lambda/logger';
import type { PipelineAlarm } from './alerts';

/**
 * Uploads closed archive segments to the local S3 as MediaLive's archive output group names them:
 * `{keyBase}.{counter:06d}.ts`. A segment is handed over only once ffmpeg has closed it (listed in
 * the segment muxer's list), so, as in the cloud, an object appears only when it is complete.
 * Uploads run one at a time, in order; the local file is removed once stored. A segment that
 * cannot be stored (the bucket is gone, S3 fails) is logged at error level and raises the
 * pipeline's alarm, as MediaLive alerts when it cannot write its output; the next one stored
 * clears it. Like MediaLive, it never makes the bucket it was told to write to.
 */
export interface ArchiveTarget {
  readonly bucket: string;
  /** The S3 key without `.{counter}.ts`, e.g. `2024/05/01/{stream}-{epoch}/archive_1`. */
  readonly keyBase: string;
}

const ATTEMPTS = 3;

export function archiveKey(keyBase: string, counter: number): string {
  return `${keyBase}.${String(counter).padStart(6, '0')}.ts`;
}

export class ArchiveUploader {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly s3: S3Client,
    private readonly target: ArchiveTarget,
    private readonly alarm: PipelineAlarm,
  ) {}

  /** Uploads `file` as segment `counter` after everything enqueued before it. */
  enqueue(file: string, counter: number): void {
    this.queue = this.queue.then(() => this.upload(file, counter));
  }

  /** Resolves once every segment enqueued so far is stored (or given up on, logged). */
  drained(): Promise<void> {
    return this.queue;
  }

  private async upload(file: string, counter: number): Promise<void> {
    const Key = archiveKey(this.target.keyBase, counter);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      try {
        await this.put(file, Key);
        await rm(file, { force: true });
        this.alarm.clear();
        return;
      } catch (err) {
        if (attempt === ATTEMPTS) {
          logger.error('archive segment upload failed; the file stays on disk', {
            bucket: this.target.bucket,
            key: Key,
            file,
            error: String(err),
          });
          this.alarm.set(`Unable to write archive segment to [s3://${this.target.bucket}/${Key}]: ${errorName(err)}: ${String((err as Error).message ?? err)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async put(file: string, Key: string): Promise<void> {
    const { size } = await stat(file);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.target.bucket,
        Key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'video/MP2T',
      }),
    );
  }
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? 'Error';
}
