import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { CreateBucketCommand, NoSuchBucket, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../core/logger';

/**
 * Uploads closed archive segments to the local S3 as MediaLive's archive output group names them:
 * `{keyBase}.{counter:06d}.ts`. A segment is handed over only once ffmpeg has closed it (listed in
 * the segment muxer's list), so, as in the cloud, an object appears only when it is complete.
 * Uploads run one at a time, in order; the local file is removed once stored.
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
        return;
      } catch (err) {
        if (err instanceof NoSuchBucket || (err as { name?: string }).name === 'NoSuchBucket') {
          // A start may name any s3:// path; locally its bucket is made on first use.
          await this.s3.send(new CreateBucketCommand({ Bucket: this.target.bucket })).catch(() => {});
        }
        if (attempt === ATTEMPTS) {
          logger.error('archive segment upload failed; the file stays on disk', {
            bucket: this.target.bucket,
            key: Key,
            file,
            error: String(err),
          });
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
