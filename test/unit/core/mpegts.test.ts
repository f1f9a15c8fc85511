import { describe, expect, it } from '@jest/globals';
import { firstPresentation, frameTicks, lastPresentation, pesTimings, signedTicks, ticksBetween } from '../../../core/domain/mpegts';
import { AUDIO_PID, VIDEO_PID, concatBytes, fillerPacket, pesPacket, videoStream } from '../../fixtures/ts-bytes';

describe('MPEG-TS timing', () => {
  it('reads PTS and DTS of video and audio PES starts, telling streams apart by stream id', () => {
    const bytes = concatBytes([
      pesPacket({ pid: VIDEO_PID, streamId: 0xe0, pts: 183_003, dts: 180_000 }),
      fillerPacket(VIDEO_PID),
      pesPacket({ pid: AUDIO_PID, streamId: 0xc0, pts: 179_000 }),
      pesPacket({ pid: VIDEO_PID, streamId: 0xe0, pts: 189_009, dts: 183_003 }),
    ]);

    expect(pesTimings(bytes)).toEqual({
      video: [
        { pts: 183_003, dts: 180_000 },
        { pts: 189_009, dts: 183_003 },
      ],
      audio: [{ pts: 179_000, dts: 179_000 }],
    });
  });

  it('finds the packet boundary in bytes that start mid-packet (a ranged read of a tail)', () => {
    const stream = videoStream(900_000, 3600, 30);

    const tail = stream.slice(stream.length - 188 * 20 - 77);

    expect(lastPresentation(pesTimings(tail).video)).toBe(900_000 + 30 * 3600);
  });

  it('reads timestamps beyond 2^32 exactly', () => {
    const pts = 2 ** 33 - 3600;

    expect(pesTimings(pesPacket({ pid: VIDEO_PID, streamId: 0xe0, pts })).video[0].pts).toBe(pts);
  });

  it('measures the frame step, first and last shown frame of a B-frame stream', () => {
    const timings = pesTimings(videoStream(90_000, 3003, 40)).video;

    expect(frameTicks(timings)).toBe(3003);
    expect(firstPresentation(timings)).toBe(90_000 + 3003);
    expect(lastPresentation(timings)).toBe(90_000 + 40 * 3003);
  });

  it('measures across the 33-bit wrap of the clock', () => {
    const start = 2 ** 33 - 10 * 3600;
    const timings = pesTimings(videoStream(start, 3600, 25)).video;

    expect(frameTicks(timings)).toBe(3600);
    expect(ticksBetween(firstPresentation(timings)!, lastPresentation(timings)!)).toBe(24 * 3600);
    expect(signedTicks(2 ** 33 - 10, 5)).toBe(15);
    expect(signedTicks(5, 2 ** 33 - 10)).toBe(-15);
  });

  it('finds nothing in bytes that are not a transport stream', () => {
    expect(pesTimings(new Uint8Array(2000).fill(0x11))).toEqual({ video: [], audio: [] });
    expect(frameTicks([])).toBeUndefined();
  });
});
