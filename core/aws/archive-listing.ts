import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { normalizeArchivePath, parseArchivePath } from '../domain/archive-path';
import { archiveRuns, baseOf, firstCounter, lastCounter, measureTiming, segmentName, type ArchiveTimeline, type SegmentBytes } from '../domain/archive-timeline';
import { Invalid } from '../domain/errors';
import { aws } from './calls';

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

/** Thrown when the session folder holds no `{base}.{counter}.ts` segment (yet). */
export class NoArchiveSegments extends Invalid {
  constructor(archivePath: string) {
    // Still an `Invalid` to the split's state machine (its name is what a Catch matches).
    super(`no archive segments ({base}.{counter}.ts) under ${archivePath}`);
  }
}

/**
 * A session's archive as one timeline (`core/domain/archive-timeline.ts`), read the one way the
 * split (tasks/list-archive.ts) and the session playlist (api/actions/sessions.ts) both need, so the
 * times an operator marks on the playlist are the times the split cuts. Lists the session folder
 * (its direct children, all pages), then times it from the first and last segments' bytes (ranged
 * GETs, see `measureTiming`), not from the stream record, whose `segment_length` may have changed
 * since this session was recorded.
 */
export async function readArchiveTimeline(s3: S3Client, archivePath: string): Promise<ArchiveTimeline> {
  const { bucket, prefix } = parseArchivePath(normalizeArchivePath(archivePath));
  const sizes = new Map<string, number>();
  await aws('listing the session archive', async () => {
    const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) if (object.Key) sizes.set(object.Key.slice(prefix.length), object.Size ?? 0);
    }
  });
  const listed = archiveRuns([...sizes.keys()]);
  if (!listed) throw new NoArchiveSegments(archivePath);
  const nameOf = (counter: number) => segmentName(baseOf(listed, counter)!, counter);
  const [first, last] = [firstCounter(listed), lastCounter(listed)];
  const firstBytes = await probe(s3, bucket, prefix + nameOf(first), sizes.get(nameOf(first))!);
  const lastBytes = first === last ? firstBytes : await probe(s3, bucket, prefix + nameOf(last), sizes.get(nameOf(last))!);
  return { bucket, prefix, ...listed, ...measureTiming(firstBytes, lastBytes, last - first) };
}
