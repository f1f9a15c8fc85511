import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import * as z from '../core/domain/zod';
import { normalizeArchivePath, parseArchivePath } from '../core/domain/archive-path';
import {
  archiveGaps,
  archiveRuns,
  baseOf,
  firstCounter,
  lastCounter,
  measureTiming,
  segmentName,
  type ArchiveGap,
  type ArchiveTimeline,
  type SegmentBytes,
} from '../core/domain/archive-timeline';
import { Invalid } from '../core/domain/errors';
import { aws } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { s3Client } from '../core/aws/clients/s3';

export const Input = z.object({ archive_path: z.string().check(z.minLength(1)) });

type Deps = Pick<Services, 's3'>;

/** Enough of a segment's head or tail for a few dozen frames even at broadcast bitrates. */
export const PROBE_BYTES = 512 * 1024;

async function readRange(s3: S3Client, bucket: string, key: string, range: string): Promise<Uint8Array> {
  const out = await aws(`reading ${key}`, () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range })));
  return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
}

/** The head and tail of a segment: two ranged GETs, or one when it is small. */
async function probe(s3: S3Client, bucket: string, key: string, size: number): Promise<SegmentBytes> {
  if (size <= 2 * PROBE_BYTES) {
    const whole = await readRange(s3, bucket, key, `bytes=0-${Math.max(0, size - 1)}`);
    return { head: whole, tail: whole };
  }
  const head = await readRange(s3, bucket, key, `bytes=0-${PROBE_BYTES - 1}`);
  const tail = await readRange(s3, bucket, key, `bytes=${size - PROBE_BYTES}-${size - 1}`);
  return { head, tail };
}

/**
 * Lists the session folder (its direct children, all pages) and makes the archive's timeline:
 * one pipeline, the other's segments where it lacks one, the gaps neither has. Times it from the
 * first and last segments' bytes (ranged GETs, see `measureTiming`), not from the stream record,
 * whose `segment_length` may have changed since this session was recorded.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ timeline: ArchiveTimeline; gaps: ArchiveGap[] }> {
  const { bucket, prefix } = parseArchivePath(normalizeArchivePath(input.archive_path));
  const sizes = new Map<string, number>();
  await aws('listing the session archive', async () => {
    const pages = paginateListObjectsV2({ client: deps.s3 }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) if (object.Key) sizes.set(object.Key.slice(prefix.length), object.Size ?? 0);
    }
  });
  const listed = archiveRuns([...sizes.keys()]);
  if (!listed) throw new Invalid(`no archive segments ({base}.{counter}.ts) under ${input.archive_path}`);
  const nameOf = (counter: number) => segmentName(baseOf(listed, counter)!, counter);
  const [first, last] = [firstCounter(listed), lastCounter(listed)];
  const firstBytes = await probe(deps.s3, bucket, prefix + nameOf(first), sizes.get(nameOf(first))!);
  const lastBytes = first === last ? firstBytes : await probe(deps.s3, bucket, prefix + nameOf(last), sizes.get(nameOf(last))!);
  const timeline: ArchiveTimeline = { bucket, prefix, ...listed, ...measureTiming(firstBytes, lastBytes, last - first) };
  return { timeline, gaps: archiveGaps(timeline) };
}

export const handler = taskHandler(Input, run, { s3: s3Client });
