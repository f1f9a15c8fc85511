import { describe, expect, it } from '@jest/globals';
import { archiveRuns, measureTiming, parseSegmentName, segmentName } from '../../../core/domain/archive-timeline';
import { Invalid } from '../../../core/domain/errors';
import { FRAME_RATES } from '../../../core/domain/timecode';
import { videoStream } from '../../fixtures/ts-bytes';

const names = (base: string, counters: number[]) => counters.map((c) => segmentName(base, c));

describe('archive listing → runs', () => {
  it('parses MediaLive segment names and ignores everything else in the folder', () => {
    expect(parseSegmentName('archive_1.000042.ts')).toEqual({ base: 'archive_1', counter: 42 });
    expect(parseSegmentName('archive_1.1000000.ts')).toEqual({ base: 'archive_1', counter: 1_000_000 });
    expect(parseSegmentName('index_x_0.m3u8')).toBeUndefined();
    expect(parseSegmentName('archive_1.42.ts')).toBeUndefined();
  });

  it('reads one pipeline when both have every segment (never both)', () => {
    const listing = [...names('archive_2', [1, 2, 3]), ...names('archive_1', [1, 2, 3]), 'index_a_0.m3u8'];

    expect(archiveRuns(listing)).toEqual({ pipeline: 'archive_1', runs: [{ first: 1, last: 3, base: 'archive_1' }] });
  });

  it('fills a segment one pipeline lacks from the other, and records a gap neither has', () => {
    const listing = [...names('archive_1', [1, 2, 4, 7, 8]), ...names('archive_2', [1, 3, 4, 8])];

    expect(archiveRuns(listing)).toEqual({
      pipeline: 'archive_1',
      runs: [
        { first: 1, last: 2, base: 'archive_1' },
        { first: 3, last: 3, base: 'archive_2' },
        { first: 4, last: 4, base: 'archive_1' },
        { first: 5, last: 6, base: null },
        { first: 7, last: 8, base: 'archive_1' },
      ],
    });
  });

  it('reads the pipeline that has more segments', () => {
    const listing = [...names('archive_1', [3]), ...names('archive_2', [1, 2, 3])];

    expect(archiveRuns(listing)?.pipeline).toBe('archive_2');
  });

  it('has nothing to say about a folder without segments', () => {
    expect(archiveRuns(['index_a_0.m3u8', 'notes.txt'])).toBeUndefined();
  });
});

describe('archive timing from segment bytes', () => {
  it('measures the frame rate, the segment length and the last segment’s duration', () => {
    // Segment 1 starts at PTS 10 s; segment 4 (3 segments later) at 10 + 3 × 6 s and holds 70 frames at 25 fps.
    const first = videoStream(900_000, 3600, 40);
    const last = videoStream(900_000 + 3 * 6 * 90_000, 3600, 70);

    const timing = measureTiming({ head: first, tail: first }, { head: last, tail: last }, 3);

    expect(timing).toEqual({ segment_length: 6, last_duration: 2.8, frame_rate: FRAME_RATES['25'] });
  });

  it('takes a length within a frame of whole seconds as the whole seconds (29.97 fps can’t cut on every second)', () => {
    // At 29.97 fps a 300 s rollover starts the second segment on frame 8992, 300.033 s in.
    const first = videoStream(0, 3003, 40);
    const last = videoStream(8992 * 3003, 3003, 100);

    const timing = measureTiming({ head: first, tail: first }, { head: last, tail: last }, 1);

    expect(timing.segment_length).toBe(300);
    expect(timing.frame_rate).toEqual(FRAME_RATES['29.97']);
    expect(timing.last_duration).toBeCloseTo((100 * 1001) / 30000, 9);
  });

  it('times a one-segment archive from that segment alone', () => {
    const only = videoStream(0, 3000, 45);

    expect(measureTiming({ head: only, tail: only }, { head: only, tail: only }, 0)).toEqual({
      segment_length: 1.5,
      last_duration: 1.5,
      frame_rate: FRAME_RATES['30'],
    });
  });

  it('says so when the bytes hold no video it can time', () => {
    const noise = { head: new Uint8Array(4000), tail: new Uint8Array(4000) };

    expect(() => measureTiming(noise, noise, 1)).toThrow(Invalid);
    expect(() => measureTiming(noise, noise, 1)).toThrow(/frame rate/);
  });
});
