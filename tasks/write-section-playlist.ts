import { PutObjectCommand } from '@aws-sdk/client-s3';
import * as z from '../core/domain/zod';
import { parseArchivePath } from '../core/domain/archive-path';
import { ArchiveTimelineSchema } from '../core/domain/archive-timeline';
import { aws } from '../core/aws/calls';
import { Invalid } from '../core/domain/errors';
import { PLAYLIST_CONTENT_TYPE, renderVodPlaylist } from '../core/domain/hls-playlist';
import type { Services } from '../core/aws/services';
import { PlannedSectionSchema, sectionMediaSequence, sectionSegments } from '../core/domain/split-plan';
import { taskHandler } from '../core/lambda/task-handler';
import { s3Client } from '../core/aws/clients/s3';

export const Input = z.object({ timeline: ArchiveTimelineSchema, section: PlannedSectionSchema });

type Deps = Pick<Services, 's3'>;

/**
 * Writes the section's VOD playlist next to the session's segments: exactly the segments the plan
 * chose, each once, from one pipeline, with their real durations. Rewriting it on a retry writes
 * the same bytes.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ playlist: string; segments: number }> {
  const { section, timeline } = input;
  if (section.status !== 'PLANNED') throw new Invalid(section.error ?? `section ${section.index} was not planned`);
  const segments = sectionSegments(timeline, section);
  const body = renderVodPlaylist(segments, sectionMediaSequence(timeline, section));
  const { bucket, prefix: key } = parseArchivePath(section.playlist);
  await aws('writing the section playlist', () =>
    deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: PLAYLIST_CONTENT_TYPE })),
  );
  return { playlist: section.playlist, segments: segments.length };
}

export const handler = taskHandler(Input, run, { s3: s3Client });
