import * as z from './zod';
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
const ARCHIVE_PATH_PATTERN = new RegExp(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/(${SEGMENT}/)*(${SEGMENT})?)?$`);

/**
 * "The object key name consists of a sequence of Unicode characters encoded in UTF-8, with a maximum
 * length of 1,024 bytes … The prefix, the delimiter (/), and the name of the object are included in
 * the 1,024 byte limitation" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
 */
export const MAX_S3_KEY_BYTES = 1024;
/**
 * The longest object name written under a session's prefix: a split's playlist
 * `index_{name_modifier ≤ 64}_{n ≤ 99}.m3u8` is 78 bytes, an archive segment `archive_1.000001.ts`
 * 19 (a test holds this against the names the code makes). A prefix longer than
 * {@link MAX_ARCHIVE_PREFIX_BYTES} would make S3 refuse those keys mid-session.
 */
export const LONGEST_SESSION_OBJECT_NAME_BYTES = 78;
export const MAX_ARCHIVE_PREFIX_BYTES = MAX_S3_KEY_BYTES - LONGEST_SESSION_OBJECT_NAME_BYTES;

/** Why `path`'s key prefix is not a clean one (`.`/`..` segments would name another place on any store that maps keys to files). */
function keyPrefixProblem(path: string): string | undefined {
  const { prefix } = parseArchivePath(path);
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) return 'must not contain "." or ".." segments';
  const bytes = new TextEncoder().encode(prefix).length;
  if (bytes > MAX_ARCHIVE_PREFIX_BYTES) return `key prefix is ${bytes} bytes; at most ${MAX_ARCHIVE_PREFIX_BYTES}`;
  return undefined;
}

/**
 * The start body's `path`, as the API validates it: an S3 URI with a clean key prefix (no empty,
 * `.` or `..` segments, only S3's safe characters, short enough for every key a session writes).
 * Which bucket it may name is the deployment's ({@link archiveBucketProblem}).
 */
export const ArchivePathSchema = z.string().check(
  z.regex(ARCHIVE_PATH_PATTERN, 'must be an s3://bucket/prefix/ URI'),
  z.superRefine((path, ctx) => {
    if (!ARCHIVE_PATH_PATTERN.test(path)) return;
    const problem = keyPrefixProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/**
 * Why `path` may not take a session's recording: the channel's role may write the archive bucket
 * only (infra grants no other), so any other bucket would record nothing.
 */
export function archiveBucketProblem(path: string, archiveBucket: string): string | undefined {
  const { bucket } = parseArchivePath(path);
  return bucket === archiveBucket ? undefined : `must be in the archive bucket ${archiveBucket}, not ${bucket}`;
}

/**
 * The options of a start (the API's start body, a schedule's `start_options`, the start
 * execution's input), validated the same way wherever they arrive.
 */
export const StartOptionsSchema = z.object({
  path: z.optional(ArchivePathSchema),
  startover_window_seconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(1_209_600))),
  /** 0 = no key rotation. */
  key_rotation_interval: z.optional(z.union([z.literal(0), z.number().check(z.int(), z.gte(60), z.lte(86_400))])),
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
  return { bucket: match[1], prefix: match[2] };
}
