import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import {
  FRAME_RATES,
  firstFrameFrom,
  frameAt,
  frameOfTimecode,
  frameRateOfTicks,
  frameTime,
  timecodeOf,
} from '../../../core/domain/timecode';

const RATES = [FRAME_RATES['25'], FRAME_RATES['29.97'], FRAME_RATES['30']];

describe('timecode', () => {
  it.each([
    [FRAME_RATES['25'], 0, '00:00:00:00'],
    [FRAME_RATES['25'], 24, '00:00:00:24'],
    [FRAME_RATES['25'], 90_000, '01:00:00:00'],
    [FRAME_RATES['30'], 108_000, '01:00:00:00'],
    // Non-drop-frame at 29.97: a timecode second is 30 frames, so an hour of video (107892 frames) reads 00:59:56:12.
    [FRAME_RATES['29.97'], 107_892, '00:59:56:12'],
    [FRAME_RATES['29.97'], 8_991, '00:04:59:21'],
  ])('writes frame %# as HH:MM:SS:FF', (rate, frame, timecode) => {
    expect(timecodeOf(frame, rate)).toBe(timecode);
    expect(frameOfTimecode(timecode, rate)).toBe(frame);
  });

  it('round-trips every frame of a day at 25, 29.97 and 30 fps, in order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATES), fc.nat({ max: 24 * 3600 * 30 - 2 }), (rate, frame) => {
        const base = Math.round(rate.numerator / rate.denominator);
        fc.pre(frame + 1 < 24 * 3600 * base);
        expect(frameOfTimecode(timecodeOf(frame, rate), rate)).toBe(frame);
        expect(timecodeOf(frame + 1, rate) > timecodeOf(frame, rate)).toBe(true);
      }),
    );
  });

  it('refuses frames past 23:59:59 and malformed timecodes', () => {
    expect(() => timecodeOf(24 * 3600 * 25, FRAME_RATES['25'])).toThrow(/past 23:59:59/);
    expect(() => frameOfTimecode('00:00:00:25', FRAME_RATES['25'])).toThrow(RangeError);
    expect(() => frameOfTimecode('00:00:00;10', FRAME_RATES['29.97'])).toThrow(RangeError);
  });

  it('puts the frame on screen at a time, and the first frame at or after it', () => {
    // 10.04 × 25 is 250.99999999999997 in floating point: still frame 251.
    expect(frameAt(10.04, FRAME_RATES['25'])).toBe(251);
    expect(frameAt(10.05, FRAME_RATES['25'])).toBe(251);
    expect(firstFrameFrom(10.05, FRAME_RATES['25'])).toBe(252);
    expect(firstFrameFrom(300, FRAME_RATES['29.97'])).toBe(8992);
    expect(frameTime(30, FRAME_RATES['29.97'])).toBeCloseTo(1.001, 12);
  });

  it('frameAt and frameTime agree: frame n is on screen from its start to the next frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATES), fc.nat({ max: 10_000_000 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (rate, n, within) => {
        const t = frameTime(n + within, rate);
        expect(frameAt(t, rate)).toBe(n);
      }),
    );
  });

  it('recognises frame steps of whole and NTSC rates, and nothing else', () => {
    for (const rate of Object.values(FRAME_RATES)) {
      expect(frameRateOfTicks((90_000 * rate.denominator) / rate.numerator)).toEqual(rate);
    }
    expect(frameRateOfTicks(3003)).toEqual(FRAME_RATES['29.97']);
    expect(frameRateOfTicks(1501)).toEqual(FRAME_RATES['59.94']);
    expect(frameRateOfTicks(6000)).toEqual({ numerator: 15, denominator: 1 });
    expect(frameRateOfTicks(3350)).toBeUndefined();
    expect(frameRateOfTicks(7200)).toBeUndefined();
    expect(frameRateOfTicks(0)).toBeUndefined();
  });
});
