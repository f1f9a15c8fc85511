import type * as z from '../../core/domain/zod';
import { ownValue } from '../../core/domain/own';
import { PLAYLIST_CONTENT_TYPE } from '../../core/domain/hls-playlist';
import { renderSessionPlaylist, sessionSegments } from '../../core/domain/session-playlist';
import { NoArchiveSegments, readArchiveTimeline } from '../../core/aws/archive-listing';
import { downloadUrl } from '../download-url';
import { notFound, unprocessable } from '../errors';
import type { Reply } from '../http';
import type { RouteContext } from '../route';
import type { SessionPathSchema } from '../schemas';

/**
 * A session's recording as one VOD playlist for a player (the console's recording view): the
 * split's own timeline (`readArchiveTimeline`), so a time marked on it is the time the split cuts,
 * with every segment an absolute URL a browser can fetch (`downloadUrl`: presigned for at most an
 * hour in the cloud, the local S3 locally). Nothing is written: the playlist is made per request.
 */
export async function getSessionPlaylist({ params, services }: RouteContext<z.infer<typeof SessionPathSchema>, unknown>): Promise<Reply> {
  const stream = await services.store.mustGet(params.id);
  const archivePath = ownValue(stream.archives_path, params.session_id);
  if (archivePath === undefined) throw notFound(`stream ${stream.id} has no session ${params.session_id}`);
  let timeline;
  try {
    timeline = await readArchiveTimeline(services.s3, archivePath);
  } catch (err) {
    // A session that has not closed its first segment yet (or recorded nothing) has nothing to play.
    if (err instanceof NoArchiveSegments) throw unprocessable(`session ${params.session_id} has no archive segments yet`);
    throw err;
  }
  const segments = sessionSegments(timeline);
  // A gap's URL is never fetched, but stays absolute: the console plays the playlist from a blob: URL, against which nothing relative resolves.
  const urls = await Promise.all(segments.map((s) => downloadUrl(services, timeline.bucket, s.key)));
  const body = renderSessionPlaylist(timeline, segments, urls);
  assertAnswerable(body, segments.length, params.session_id);
  return { status: 200, contentType: PLAYLIST_CONTENT_TYPE, body };
}

/** Refuses (422) a playlist over {@link MAX_PLAYLIST_BYTES}, saying how big it would be. */
export function assertAnswerable(body: string, segmentCount: number, sessionId: string): void {
  const bytes = Buffer.byteLength(body);
  if (bytes <= MAX_PLAYLIST_BYTES) return;
  throw unprocessable(
    `session ${sessionId} has ${segmentCount} segments: its playlist would be ${(bytes / 1e6).toFixed(1)} MB, over the ${MAX_PLAYLIST_BYTES / 1e6} MB one answer can carry; split it into sections instead`,
  );
}

/**
 * A Lambda's synchronous answer is at most 6 MB, the proxy's JSON envelope included
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): a presigned URL with
 * the role's session token is ~2 KB, so a long session of short segments outgrows it (8 h of 10 s
 * segments: ~6 MB). A clear 422 instead of the gateway's 502.
 */
export const MAX_PLAYLIST_BYTES = 5_000_000;
