import { z } from 'zod';
import { normalizeArchivePath, parseArchivePath } from './archive-path';

/**
 * The names and shapes of a split (`POST /streams/{id}/split`), shared by the API (which answers
 * the planned `outputs` at once) and the split workflow (which writes exactly those objects).
 * Archive paths follow `core/archive-path.ts`; a path without its trailing `/` (as the seed's
 * clients wrote them) means the same folder.
 */

/** `name_modifier` as API.md allows it. */
export const NAME_MODIFIER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** How many sections one split may ask for. */
export const MAX_SECTIONS = 100;

/** One requested section, in seconds from the first frame of the session's first archive segment. */
export const SectionRequestSchema = z
  .object({ start: z.number().finite().min(0), end: z.number().finite() })
  .strict()
  .refine((s) => s.end > s.start, { message: 'end must be greater than start', path: ['end'] });
export type SectionRequest = z.infer<typeof SectionRequestSchema>;

/** The session folder of an archive path: `s3://b/p` and `s3://b/p/` both mean bucket `b`, prefix `p/`. */
export function archiveLocation(archivePath: string): { bucket: string; prefix: string } {
  return parseArchivePath(normalizeArchivePath(archivePath));
}

/** The file name (no extension) of section `index`: `index_{name_modifier}_{index}`. */
export function sectionBaseName(nameModifier: string, index: number): string {
  return `index_${nameModifier}_${index}`;
}

/** Key of section `index`'s VOD playlist, next to the session's `.ts` segments. */
export function sectionPlaylistKey(archivePrefix: string, nameModifier: string, index: number): string {
  return `${archivePrefix}${sectionBaseName(nameModifier, index)}.m3u8`;
}

/**
 * Where MediaConvert writes section `index`: the archive's key prefix mirrored into the workshop
 * output bucket. MediaConvert's file-group `Destination` is this without `.mp4` (it appends the
 * container's extension), see {@link mediaConvertDestination}.
 */
export function sectionOutputKey(archivePrefix: string, nameModifier: string, index: number): string {
  return `${archivePrefix}${sectionBaseName(nameModifier, index)}.mp4`;
}

/** A file-group `Destination` (an S3 URI without extension) for an `.mp4` output URI. */
export function mediaConvertDestination(outputUri: string): string {
  return outputUri.replace(/\.mp4$/, '');
}

export interface SectionOutput {
  index: number;
  start: number;
  end: number;
  /** `s3://{archive bucket}/{archive prefix}index_{name_modifier}_{index}.m3u8` */
  playlist: string;
  /** `s3://{workshop output bucket}/{archive prefix}index_{name_modifier}_{index}.mp4` */
  output: string;
}

/** The `outputs` of the split's 202: one entry per requested section, in request order. */
export function splitOutputs(args: {
  archivePath: string;
  workshopOutputBucket: string;
  nameModifier: string;
  sections: readonly SectionRequest[];
}): SectionOutput[] {
  if (!NAME_MODIFIER_PATTERN.test(args.nameModifier)) throw new RangeError(`invalid name_modifier: ${args.nameModifier}`);
  const { bucket, prefix } = archiveLocation(args.archivePath);
  return args.sections.map((section, index) => ({
    index,
    start: section.start,
    end: section.end,
    playlist: `s3://${bucket}/${sectionPlaylistKey(prefix, args.nameModifier, index)}`,
    output: `s3://${args.workshopOutputBucket}/${sectionOutputKey(prefix, args.nameModifier, index)}`,
  }));
}
