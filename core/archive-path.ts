import { z } from 'zod';
import { requestToken } from './ids';

/**
 * Session rules. Where a start's recording goes. Each start is a session: a 32-hex id and an `s3://bucket/prefix/`
 * that the channel's archive output group writes `{base}.{counter:06d}.ts` segments under.
 * Pure rules, shared by `tasks/begin-session.ts` (which records the session), the API (which shows
 * it in the start's 202) and split (which reads the segments back).
 */

/** A path segment of an S3 key, limited to the characters S3 calls safe. */
const SEGMENT = "[A-Za-z0-9!_.*'()=+-]+";
/** `s3://bucket` or `s3://bucket/prefix…`, with or without a trailing `/`; bucket per S3 naming rules. */
export const ARCHIVE_PATH_PATTERN = new RegExp(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/(${SEGMENT}/)*(${SEGMENT})?)?$`);

/** The start body's `path`, as the API validates it. */
export const ArchivePathSchema = z
  .string()
  .max(1024)
  .regex(ARCHIVE_PATH_PATTERN, 'must be an s3://bucket/prefix/ URI');

/**
 * The options of a start (the API's start body, a schedule's `start_options`, the start
 * execution's input), validated the same way wherever they arrive.
 */
export const StartOptionsSchema = z.object({
  path: ArchivePathSchema.optional(),
  startover_window_seconds: z.number().int().min(0).max(1_209_600).optional(),
  /** 0 = no key rotation. */
  key_rotation_interval: z.union([z.literal(0), z.number().int().min(60).max(86_400)]).optional(),
});
export type StartOptions = z.infer<typeof StartOptionsSchema>;

/**
 * The base names of the two pipelines' archive destinations: pipeline 0 writes
 * `{archive_path}archive_1.000001.ts`, pipeline 1 `{archive_path}archive_2.000001.ts`. Both hold
 * the same content, so readers pick one base (split) and never mix them.
 */
export const ARCHIVE_BASES = ['archive_1', 'archive_2'] as const;

/** The session id of the start execution `executionName`: deterministic, so a retried step and the API agree. */
export function sessionIdFor(executionName: string): string {
  return requestToken(executionName, 'session');
}

/** `s3://bucket/prefix` → `s3://bucket/prefix/`: MediaLive appends the base name straight to it. */
export function normalizeArchivePath(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** The default session path: `s3://{bucket}/{YYYY}/{MM}/{DD}/{stream_id}-{epoch}/`, in UTC. */
export function defaultArchivePath(bucket: string, streamId: string, at: Date): string {
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  const epoch = Math.floor(at.getTime() / 1000);
  return `s3://${bucket}/${yyyy}/${mm}/${dd}/${streamId}-${epoch}/`;
}

export interface Session {
  session_id: string;
  archive_path: string;
}

/**
 * The session a start execution records. `startedAt` is the execution's start time
 * (`$$.Execution.StartTime`, or `startDate` of StartExecution for the API), so the default path is
 * the same however often it is computed.
 */
export function sessionOf(args: {
  executionName: string;
  streamId: string;
  bucket: string;
  startedAt: Date;
  path?: string;
}): Session {
  return {
    session_id: sessionIdFor(args.executionName),
    archive_path: args.path
      ? normalizeArchivePath(args.path)
      : defaultArchivePath(args.bucket, args.streamId, args.startedAt),
  };
}

/** The archive output group's destination URLs of a session, pipeline 0 then pipeline 1. */
export function archiveDestinationUrls(archivePath: string): [string, string] {
  const base = normalizeArchivePath(archivePath);
  return [`${base}${ARCHIVE_BASES[0]}`, `${base}${ARCHIVE_BASES[1]}`];
}

/** `s3://bucket/a/b/` → `{bucket: 'bucket', prefix: 'a/b/'}` (prefix `''` at the bucket's root). */
export function parseArchivePath(archivePath: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(archivePath);
  if (!match) throw new RangeError(`not an s3:// URI: ${archivePath}`);
  return { bucket: match[1]!, prefix: match[2]! };
}
