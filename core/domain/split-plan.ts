import * as z from './zod';
import {
  baseOf,
  firstCounter,
  segmentEndFrame,
  segmentFirstFrame,
  segmentName,
  segmentOfFrame,
  totalFrames,
  type ArchiveTimeline,
} from './archive-timeline';
import type { PlaylistSegment } from './hls-playlist';
import { SplitOutputSchema, type SplitOutput } from './split-outputs';
import { FrameRateSchema, frameAt, framesIn, frameTime, framesPerSecond, timecodeOf } from './timecode';

/**
 * Planning a split: which archive segments each section's playlist lists, and where MediaConvert
 * clips inside them. Names (playlist, MP4) come from `core/domain/split-outputs.ts`; the archive's
 * timeline from `core/domain/archive-timeline.ts`.
 *
 * A section [start, end] (seconds, time 0 = the archive's first frame) becomes:
 * - first frame: the frame on screen at `start`;
 * - length: the whole number of frames nearest to `end − start` (at least one), so the MP4 lasts
 *   `end − start` within half a frame;
 * - the playlist: exactly the segments holding those frames, each once, from one pipeline;
 * - `InputClippings`: first and last frame (MediaConvert includes the end frame) as `HH:MM:SS:FF`
 *   counted from the playlist's first frame, which is what `ZEROBASED` timecode counts.
 * A section past the end of the archive, or over a span no pipeline recorded, is not cut: it is
 * planned as FAILED with the reason, and the other sections go on.
 */

/** What the API starts the split state machine with. */
export const SplitExecutionInputSchema = z.object({
  stream_id: z.string(),
  session_id: z.string(),
  /** `archives_path[session_id]` as the API read it. */
  archive_path: z.string(),
  name_modifier: z.string(),
  timestamp_list: z.array(z.object({ start: z.number().check(z.gte(0)), end: z.number() })).check(z.minLength(1), z.maxLength(100)),
});
export type SplitExecutionInput = z.infer<typeof SplitExecutionInputSchema>;

export const ClipSchema = z.object({
  /** Frames from the playlist's first frame; the end frame is included. */
  start_frame: z.number().check(z.int(), z.nonnegative()),
  end_frame: z.number().check(z.int(), z.nonnegative()),
  start_timecode: z.string(),
  end_timecode: z.string(),
});

export const PlannedSectionSchema = z.extend(SplitOutputSchema, {
  status: z.enum(['PLANNED', 'FAILED']),
  /** Why a FAILED section can't be cut. */
  error: z.optional(z.string()),
  first_counter: z.optional(z.number().check(z.int())),
  last_counter: z.optional(z.number().check(z.int())),
  clip: z.optional(ClipSchema),
  frame_rate: z.optional(FrameRateSchema),
  /** Seconds the MP4 will last: whole frames. */
  duration: z.optional(z.number()),
});
export type PlannedSection = z.infer<typeof PlannedSectionSchema>;

function seconds(value: number): string {
  return `${Number(value.toFixed(3))} s`;
}

function failed(output: SplitOutput, error: string): PlannedSection {
  return { ...output, status: 'FAILED', error: `section ${output.index} [${output.start}, ${output.end}]: ${error}` };
}

/** Plans one section on the archive's timeline. */
export function planSection(timeline: ArchiveTimeline, output: SplitOutput): PlannedSection {
  const rate = timeline.frame_rate;
  const total = totalFrames(timeline);
  const archiveEnd = frameTime(total, rate);
  const firstFrame = frameAt(output.start, rate);
  if (firstFrame >= total) return failed(output, `starts after the end of the archive (${seconds(archiveEnd)})`);
  if (output.end > archiveEnd + 0.5 / framesPerSecond(rate)) {
    return failed(output, `ends after the end of the archive (${seconds(archiveEnd)})`);
  }
  const frames = Math.min(Math.max(1, framesIn(output.end - output.start, rate)), total - firstFrame);
  const lastFrame = firstFrame + frames - 1;
  const from = segmentOfFrame(timeline, firstFrame);
  const to = segmentOfFrame(timeline, lastFrame);
  for (let counter = from; counter <= to; counter++) {
    if (baseOf(timeline, counter) !== null) continue;
    let end = counter;
    while (end < to && baseOf(timeline, end + 1) === null) end++;
    const gapStart = frameTime(segmentFirstFrame(timeline, counter), rate);
    const gapEnd = frameTime(segmentEndFrame(timeline, end), rate);
    return failed(
      output,
      `no pipeline recorded ${seconds(gapStart)} to ${seconds(gapEnd)} of the archive (segments ${counter}–${end} are missing)`,
    );
  }
  const zero = segmentFirstFrame(timeline, from);
  let clip: z.infer<typeof ClipSchema>;
  try {
    clip = {
      start_frame: firstFrame - zero,
      end_frame: lastFrame - zero,
      start_timecode: timecodeOf(firstFrame - zero, rate),
      end_timecode: timecodeOf(lastFrame - zero, rate),
    };
  } catch (err) {
    return failed(output, (err as Error).message);
  }
  return {
    ...output,
    status: 'PLANNED',
    first_counter: from,
    last_counter: to,
    clip,
    frame_rate: rate,
    duration: frameTime(frames, rate),
  };
}

/** The segments of a planned section's playlist, each once, with their real durations. */
export function sectionSegments(timeline: ArchiveTimeline, section: PlannedSection): PlaylistSegment[] {
  if (section.status !== 'PLANNED' || section.first_counter === undefined || section.last_counter === undefined) {
    throw new RangeError(`section ${section.index} was not planned: ${section.error ?? 'no segments'}`);
  }
  const segments: PlaylistSegment[] = [];
  for (let counter = section.first_counter; counter <= section.last_counter; counter++) {
    const base = baseOf(timeline, counter);
    if (base === null) throw new RangeError(`segment ${counter} is in a gap`);
    const frames = segmentEndFrame(timeline, counter) - segmentFirstFrame(timeline, counter);
    segments.push({ uri: segmentName(base, counter), duration: frameTime(frames, timeline.frame_rate) });
  }
  return segments;
}

/** The media sequence number of a section's playlist: its first segment's counter. */
export function sectionMediaSequence(timeline: ArchiveTimeline, section: PlannedSection): number {
  return section.first_counter ?? firstCounter(timeline);
}
