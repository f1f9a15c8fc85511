import * as z from '../core/domain/zod';
import { archiveGaps, type ArchiveGap, type ArchiveTimeline } from '../core/domain/archive-timeline';
import { readArchiveTimeline } from '../core/aws/archive-listing';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { s3Client } from '../core/aws/clients/s3';

export const Input = z.object({ archive_path: z.string().check(z.minLength(1)) });

type Deps = Pick<Services, 's3'>;

/**
 * The session's archive as one timeline (`readArchiveTimeline`: one pipeline, the other's segments
 * where it lacks one, timed from the segments' bytes) and the gaps neither pipeline has.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ timeline: ArchiveTimeline; gaps: ArchiveGap[] }> {
  const timeline = await readArchiveTimeline(deps.s3, input.archive_path);
  return { timeline, gaps: archiveGaps(timeline) };
}

export const handler = taskHandler(Input, run, { s3: s3Client });
