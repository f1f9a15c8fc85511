import * as z from './zod';
import { framesPerSecond, type FrameRate } from './frames';

// The frame arithmetic lives in `./frames` (zod-free, so the console bundles it without the schemas).
export { firstFrameFrom, frameAt, framesIn, framesPerSecond, frameTime, type FrameRate } from './frames';

/**
 * Frame arithmetic for cutting sections. Times are seconds from the first frame of a timeline;
 * frames are counted from 0 at that first frame. A frame rate is a ratio (`30000/1001` for
 * 29.97) so that no rounding creeps into long timelines: at 29.97 fps, frame 107892 is at
 * exactly 3599.9964 s, not 3600.
 */
export const FrameRateSchema = z.object({
  numerator: z.number().check(z.int(), z.positive()),
  denominator: z.number().check(z.int(), z.positive()),
});

/** The broadcast rates MediaLive encodes (an archive's rate is detected more widely: {@link frameRateOfTicks}). */
export const FRAME_RATES = {
  '23.976': { numerator: 24000, denominator: 1001 },
  '24': { numerator: 24, denominator: 1 },
  '25': { numerator: 25, denominator: 1 },
  '29.97': { numerator: 30000, denominator: 1001 },
  '30': { numerator: 30, denominator: 1 },
  '50': { numerator: 50, denominator: 1 },
  '59.94': { numerator: 60000, denominator: 1001 },
  '60': { numerator: 60, denominator: 1 },
} as const satisfies Record<string, FrameRate>;

/**
 * Frames per timecode second: 30 for 29.97. Timecodes here are non-drop-frame (`:` separators),
 * so a timecode is a frame count written in base {@link timecodeBase}, which is what MediaConvert
 * reads against `ZEROBASED` timecode (the input's first frame is `00:00:00:00`).
 */
export function timecodeBase(rate: FrameRate): number {
  return Math.round(framesPerSecond(rate));
}

/** `HH:MM:SS:FF` of frame `frame` (0 = `00:00:00:00`). */
export function timecodeOf(frame: number, rate: FrameRate): string {
  if (!Number.isInteger(frame) || frame < 0) throw new RangeError(`not a frame number: ${frame}`);
  const base = timecodeBase(rate);
  const ff = frame % base;
  const totalSeconds = Math.floor(frame / base);
  const hh = Math.floor(totalSeconds / 3600);
  if (hh > 23) throw new RangeError(`frame ${frame} is past 23:59:59 of timecode at ${base} fps`);
  const mm = Math.floor(totalSeconds / 60) % 60;
  const ss = totalSeconds % 60;
  return [hh, mm, ss, ff].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The frame number of a non-drop-frame `HH:MM:SS:FF` timecode. */
export function frameOfTimecode(timecode: string, rate: FrameRate): number {
  const match = /^(\d{2}):([0-5]\d):([0-5]\d):(\d{2})$/.exec(timecode);
  const base = timecodeBase(rate);
  if (!match || Number(match[4]) >= base) throw new RangeError(`not a ${base} fps HH:MM:SS:FF timecode: ${timecode}`);
  const [hh, mm, ss, ff] = match.slice(1).map(Number) as [number, number, number, number];
  return ((hh * 60 + mm) * 60 + ss) * base + ff;
}

/** MPEG-TS timestamps tick at 90 kHz. */
export const TICKS_PER_SECOND = 90_000;

/**
 * The frame rate whose frame lasts `ticks` (90 kHz): a whole number of frames per second (25, 30,
 * the 15 of a webcam) or one of the NTSC rates n × 1000/1001 (29.97, 59.94, 23.976), within a tick
 * and a half (59.94 fps alternates 1501 and 1502 ticks). Anything else is `undefined`.
 */
export function frameRateOfTicks(ticks: number): FrameRate | undefined {
  if (!(ticks > 0)) return undefined;
  const whole = Math.round(TICKS_PER_SECOND / ticks);
  const ntsc = Math.round((TICKS_PER_SECOND * 1001) / (1000 * ticks));
  const candidates: FrameRate[] = [
    { numerator: whole, denominator: 1 },
    { numerator: ntsc * 1000, denominator: 1001 },
  ];
  let best: { rate: FrameRate; error: number } | undefined;
  for (const rate of candidates) {
    if (rate.numerator < 1 || rate.numerator / rate.denominator > 240) continue;
    const error = Math.abs((TICKS_PER_SECOND * rate.denominator) / rate.numerator - ticks);
    if (error <= 1.5 && (!best || error < best.error)) best = { rate, error };
  }
  return best?.rate;
}
