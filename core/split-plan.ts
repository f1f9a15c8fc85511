import { z } from 'zod';

/**
 * The names and shapes of a split (`POST /streams/{id}/split`), shared by the API (which answers
 * the planned `outputs` at once) and the split workflow (which writes exactly those objects).
 *
 * An archive path is `s3://{bucket}/{prefix}/` (API.md). The seed's clients also wrote paths
 * without the trailing slash (`s3://bucket/path/to/archive`); both mean the folder, so the key
 * prefix is normalised to end in `/` (or be empty for a bucket's root).
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

export interface ArchiveLocation {
  bucket: string;
  /** The key prefix of the session's folder: `''` or ending in `/`. */
  prefix: string;
}

/** Splits `s3://bucket/key/prefix/` into bucket and a folder prefix (ending in `/`, or empty). */
export function parseArchivePath(uri: string): ArchiveLocation {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) throw new RangeError(`not an s3://bucket/prefix/ URI: ${uri}`);
  const key = (match[2] ?? '').replace(/^\/+/, '');
  return { bucket: match[1]!, prefix: key === '' || key.endsWith('/') ? key : `${key}/` };
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
  const { bucket, prefix } = parseArchivePath(args.archivePath);
  return args.sections.map((section, index) => ({
    index,
    start: section.start,
    end: section.end,
    playlist: `s3://${bucket}/${sectionPlaylistKey(prefix, args.nameModifier, index)}`,
    output: `s3://${args.workshopOutputBucket}/${sectionOutputKey(prefix, args.nameModifier, index)}`,
  }));
}
