import { baseOf, firstCounter, lastCounter, segmentEndFrame, segmentFirstFrame, segmentName, type ArchiveTimeline } from './archive-timeline';
import { renderVodPlaylist, type PlaylistSegment } from './hls-playlist';
import { FRAME_RATE_NOTE } from './playlist-facts';
import { frameTime } from './timecode';

/**
 * A whole session as one VOD playlist (`GET /streams/{id}/sessions/{session_id}/playlist.m3u8`),
 * for the console's player, on the split's own timeline (`archive-timeline.ts`): one pipeline, the
 * other's segment where it lacks one, each segment's real duration, a gap no pipeline recorded
 * kept as `#EXT-X-GAP` so the time after it stays where it was recorded. Time t on this playlist
 * is time t of a split's `timestamp_list`.
 */

/** One segment of the session: its S3 key (the caller makes it a URL), or a gap. */
export interface SessionSegment {
  key: string;
  duration: number;
  gap: boolean;
}

export function sessionSegments(timeline: ArchiveTimeline): SessionSegment[] {
  const segments: SessionSegment[] = [];
  for (let counter = firstCounter(timeline); counter <= lastCounter(timeline); counter++) {
    const base = baseOf(timeline, counter);
    const frames = segmentEndFrame(timeline, counter) - segmentFirstFrame(timeline, counter);
    // A gap names the segment its pipeline would have written: never fetched, but a URI is required.
    const key = `${timeline.prefix}${segmentName(base ?? timeline.pipeline, counter)}`;
    segments.push({ key, duration: frameTime(frames, timeline.frame_rate), gap: base === null });
  }
  return segments;
}

/** The playlist, each segment at `urls[i]` (absolute: the playlist is served from the API, not beside the segments). */
export function renderSessionPlaylist(timeline: ArchiveTimeline, segments: readonly SessionSegment[], urls: readonly string[]): string {
  const entries: PlaylistSegment[] = segments.map((s, i) => ({ uri: urls[i], duration: s.duration, gap: s.gap }));
  const { numerator, denominator } = timeline.frame_rate;
  return renderVodPlaylist(entries, firstCounter(timeline), [`${FRAME_RATE_NOTE} ${numerator}/${denominator}`]);
}
