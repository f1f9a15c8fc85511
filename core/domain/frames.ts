/**
 * Frame arithmetic, without the schemas (`timecode.ts` re-exports it beside `FrameRateSchema`): the
 * split planner and the console's section editor count frames with the same functions. Times are
 * seconds from the first frame of a timeline; frames are counted from 0 at that first frame. A frame
 * rate is a ratio (`30000/1001` for 29.97) so no rounding creeps into long timelines.
 */
export interface FrameRate {
  numerator: number;
  denominator: number;
}

/**
 * Request times are decimal seconds (10.04 s at 25 fps is frame 251, but 10.04 × 25 is
 * 250.99999999999997 in floating point): products are nudged by this before rounding, far below
 * any real frame duration.
 */
const EPSILON = 1e-6;

export function framesPerSecond(rate: FrameRate): number {
  return rate.numerator / rate.denominator;
}

/** The frame on screen at `seconds`: the last frame that starts at or before it. */
export function frameAt(seconds: number, rate: FrameRate): number {
  return Math.floor((seconds * rate.numerator) / rate.denominator + EPSILON);
}

/** The first frame that starts at or after `seconds` (where a segment cut at `seconds` begins). */
export function firstFrameFrom(seconds: number, rate: FrameRate): number {
  return Math.ceil((seconds * rate.numerator) / rate.denominator - EPSILON);
}

/** The whole number of frames nearest to `seconds` of video. */
export function framesIn(seconds: number, rate: FrameRate): number {
  return Math.round((seconds * rate.numerator) / rate.denominator);
}

/** When frame `frame` starts, in seconds. */
export function frameTime(frame: number, rate: FrameRate): number {
  return (frame * rate.denominator) / rate.numerator;
}

