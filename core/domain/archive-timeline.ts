import * as z from './zod';
import { ARCHIVE_BASES } from './archive-path';
import { Invalid } from './errors';
import { firstPresentation, frameTicks, lastPresentation, pesTimings, ticksBetween } from './mpegts';
import {
  FrameRateSchema,
  TICKS_PER_SECOND,
  firstFrameFrom,
  frameRateOfTicks,
  framesIn,
  frameTime,
  framesPerSecond,
  type FrameRate,
} from './timecode';

/**
 * A session's archive as one timeline. MediaLive's archive group writes every `RolloverInterval`
 * seconds a `{base}.{counter:06d}.ts` per pipeline (`archive_1`, `archive_2`), each pipeline's
 * counter N covering the same span. The timeline reads one pipeline and takes a segment the
 * other pipeline has where its own is missing; a counter no pipeline has is a gap.
 *
 * Time 0 is the first frame of the first segment. Every segment but the last lasts
 * `segment_length`; the last is shorter, so it is timed from its own bytes (see
 * {@link measureTiming}). Counters, not object times, place segments: counter N starts at
 * (N − first) × `segment_length`, so a gap keeps the time after it where it was recorded.
 */

/** Consecutive counters read from one base; `base: null` is a gap no pipeline recorded. */
export const SegmentRunSchema = z.object({
  first: z.number().check(z.int(), z.nonnegative()),
  last: z.number().check(z.int(), z.nonnegative()),
  base: z.nullable(z.string()),
});
export type SegmentRun = z.infer<typeof SegmentRunSchema>;

export const ArchiveTimelineSchema = z.object({
  bucket: z.string(),
  /** The session folder's key prefix (`''` or ending in `/`). */
  prefix: z.string(),
  /** The base read wherever it has the segment. */
  pipeline: z.string(),
  /** Contiguous, ascending, covering first..last counter. Compact even for long sessions. */
  runs: z.array(SegmentRunSchema).check(z.minLength(1)),
  /** Seconds from one segment's start to the next's. */
  segment_length: z.number().check(z.positive()),
  /** Seconds of the last segment. */
  last_duration: z.number().check(z.positive()),
  frame_rate: FrameRateSchema,
});
export type ArchiveTimeline = z.infer<typeof ArchiveTimelineSchema>;

const SEGMENT_NAME = /^(.+)\.(\d{6,})\.ts$/;

/** `{base}.{counter:06d}.ts` → its parts; anything else (playlists, MP4s, …) → undefined. */
export function parseSegmentName(name: string): { base: string; counter: number } | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? { base: match[1], counter: Number(match[2]) } : undefined;
}

export function segmentName(base: string, counter: number): string {
  return `${base}.${String(counter).padStart(6, '0')}.ts`;
}

/**
 * The runs of a listing of the session folder's direct children (names relative to it). The
 * pipeline read is the base with the most segments (ties: `archive_1` before `archive_2`, then by
 * name); a missing counter is taken from the next base that has it.
 */
export function archiveRuns(names: readonly string[]): { pipeline: string; runs: SegmentRun[] } | undefined {
  const counters = new Map<string, Set<number>>();
  for (const name of names) {
    const parsed = parseSegmentName(name);
    if (!parsed || parsed.base.includes('/')) continue;
    if (!counters.has(parsed.base)) counters.set(parsed.base, new Set());
    counters.get(parsed.base)!.add(parsed.counter);
  }
  if (counters.size === 0) return undefined;
  const rank = (base: string) => {
    const i = (ARCHIVE_BASES as readonly string[]).indexOf(base);
    return i < 0 ? ARCHIVE_BASES.length : i;
  };
  const bases = [...counters.keys()].sort(
    (a, b) => counters.get(b)!.size - counters.get(a)!.size || rank(a) - rank(b) || a.localeCompare(b),
  );
  const all = [...counters.values()].flatMap((set) => [...set]);
  const first = Math.min(...all);
  const last = Math.max(...all);
  const runs: SegmentRun[] = [];
  for (let counter = first; counter <= last; counter++) {
    const base = bases.find((b) => counters.get(b)!.has(counter)) ?? null;
    const previous = runs[runs.length - 1];
    if (previous && previous.base === base && previous.last === counter - 1) previous.last = counter;
    else runs.push({ first: counter, last: counter, base });
  }
  return { pipeline: bases[0], runs };
}

export function firstCounter(timeline: Pick<ArchiveTimeline, 'runs'>): number {
  return timeline.runs[0].first;
}

export function lastCounter(timeline: Pick<ArchiveTimeline, 'runs'>): number {
  return timeline.runs[timeline.runs.length - 1].last;
}

/** The base that holds `counter`, or null in a gap. */
export function baseOf(timeline: Pick<ArchiveTimeline, 'runs'>, counter: number): string | null {
  const run = timeline.runs.find((r) => r.first <= counter && counter <= r.last);
  if (!run) throw new RangeError(`segment ${counter} is outside the archive`);
  return run.base;
}

/** The first frame of segment `counter` (the frame of time 0 is 0). */
export function segmentFirstFrame(timeline: ArchiveTimeline, counter: number): number {
  return firstFrameFrom((counter - firstCounter(timeline)) * timeline.segment_length, timeline.frame_rate);
}

/** One past the last frame of segment `counter`. */
export function segmentEndFrame(timeline: ArchiveTimeline, counter: number): number {
  const last = lastCounter(timeline);
  if (counter < last) return segmentFirstFrame(timeline, counter + 1);
  return segmentFirstFrame(timeline, last) + Math.max(1, framesIn(timeline.last_duration, timeline.frame_rate));
}

/** Frames in the whole archive; its end in seconds is `frameTime(totalFrames)`. */
export function totalFrames(timeline: ArchiveTimeline): number {
  return segmentEndFrame(timeline, lastCounter(timeline));
}

/** The segment that holds frame `frame` (0 ≤ frame < total). */
export function segmentOfFrame(timeline: ArchiveTimeline, frame: number): number {
  const first = firstCounter(timeline);
  const last = lastCounter(timeline);
  const secondsPerSegment = timeline.segment_length;
  let counter = Math.min(last, first + Math.floor(frameTime(frame, timeline.frame_rate) / secondsPerSegment));
  while (counter > first && segmentFirstFrame(timeline, counter) > frame) counter--;
  while (counter < last && segmentFirstFrame(timeline, counter + 1) <= frame) counter++;
  return counter;
}

export interface ArchiveGap {
  first_counter: number;
  last_counter: number;
  /** Seconds on the archive's timeline. */
  start: number;
  end: number;
}

/** The spans no pipeline recorded. */
export function archiveGaps(timeline: ArchiveTimeline): ArchiveGap[] {
  return timeline.runs
    .filter((run) => run.base === null)
    .map((run) => ({
      first_counter: run.first,
      last_counter: run.last,
      start: frameTime(segmentFirstFrame(timeline, run.first), timeline.frame_rate),
      end: frameTime(segmentEndFrame(timeline, run.last), timeline.frame_rate),
    }));
}

export interface SegmentBytes {
  /** The first bytes of the segment (a ranged GET). */
  head: Uint8Array;
  /** The last bytes of the segment. */
  tail: Uint8Array;
}

export interface MeasuredTiming {
  segment_length: number;
  last_duration: number;
  frame_rate: FrameRate;
}

/**
 * Times the archive from a few hundred KiB of two segments, read with ranged GETs: the frame
 * rate from the first segment's frame steps, the segment length from how far the last segment's
 * first frame is from the first's (`span` segments apart), and the last segment's duration from
 * its first to its last frame. A length within a frame of whole seconds is the configured
 * `RolloverInterval` (frames at 29.97 fps can't land on every second) and is rounded to it.
 * `span` 0 (one segment): the first segment is the last.
 */
export function measureTiming(first: SegmentBytes, last: SegmentBytes, span: number): MeasuredTiming {
  const firstFrames = pesTimings(first.head).video;
  const lastHead = pesTimings(last.head).video;
  const lastTail = pesTimings(last.tail).video;
  const ticks = frameTicks(firstFrames) ?? frameTicks(lastHead);
  const frameRate = ticks === undefined ? undefined : frameRateOfTicks(ticks);
  if (!frameRate) throw new Invalid(`cannot tell the archive's frame rate (frame step ${ticks ?? 'unknown'} ticks at 90 kHz)`);
  const firstShown = firstPresentation(firstFrames);
  const lastShown = firstPresentation(lastHead);
  const lastEnds = lastPresentation(lastTail);
  if (firstShown === undefined || lastShown === undefined || lastEnds === undefined) {
    throw new Invalid('cannot read video timestamps from the archive segments');
  }
  const frameSeconds = 1 / framesPerSecond(frameRate);
  const lastDuration = ticksBetween(lastShown, lastEnds) / TICKS_PER_SECOND + frameSeconds;
  let segmentLength = lastDuration;
  if (span > 0) {
    const measured = ticksBetween(firstShown, lastShown) / TICKS_PER_SECOND / span;
    segmentLength = Math.abs(measured - Math.round(measured)) <= frameSeconds ? Math.round(measured) : measured;
  }
  return { segment_length: segmentLength, last_duration: lastDuration, frame_rate: frameRate };
}
