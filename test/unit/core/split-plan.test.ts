import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { archiveGaps, type ArchiveTimeline, type SegmentRun } from '../../../core/domain/archive-timeline';
import { parseVodPlaylist, renderVodPlaylist } from '../../../core/domain/hls-playlist';
import { planSection, sectionSegments, type PlannedSection } from '../../../core/domain/split-plan';
import { splitOutputs } from '../../../core/domain/split-outputs';
import { FRAME_RATES, frameOfTimecode, type FrameRate } from '../../../core/domain/timecode';

const RATES = [FRAME_RATES['25'], FRAME_RATES['29.97'], FRAME_RATES['30']];

function timeline(args: {
  rate: FrameRate;
  segmentLength: number;
  count: number;
  lastFrames: number;
  first?: number;
  /** Counters (from `first`) no pipeline has. */
  gaps?: readonly number[];
  /** Counters read from `archive_2` because `archive_1` lacks them. */
  filled?: readonly number[];
}): ArchiveTimeline {
  const first = args.first ?? 1;
  const runs: SegmentRun[] = [];
  for (let c = first; c < first + args.count; c++) {
    const base = args.gaps?.includes(c) ? null : args.filled?.includes(c) ? 'archive_2' : 'archive_1';
    const prev = runs[runs.length - 1];
    if (prev && prev.base === base) prev.last = c;
    else runs.push({ first: c, last: c, base });
  }
  return {
    bucket: 'arch',
    prefix: 'p/',
    pipeline: 'archive_1',
    runs,
    segment_length: args.segmentLength,
    last_duration: (args.lastFrames * args.rate.denominator) / args.rate.numerator,
    frame_rate: args.rate,
  };
}

function section(t: ArchiveTimeline, start: number, end: number, index = 0) {
  const [out] = splitOutputs({ archivePath: 's3://arch/p/', outputBucket: 'out', nameModifier: 'm', sections: [{ start, end }] });
  return planSection(t, { ...out, index });
}

/**
 * An oracle in exact integer arithmetic: segment i (from 0) starts at the first frame at or
 * after i × L seconds, i.e. ceil(i·L·num / den); the last one lasts `lastFrames`.
 */
function oracleSegments(args: { rate: FrameRate; segmentLength: number; count: number; lastFrames: number }) {
  const { numerator: num, denominator: den } = args.rate;
  const startOf = (i: number) => Math.ceil((i * args.segmentLength * num) / den - 1e-9);
  const ranges: { from: number; to: number }[] = [];
  for (let i = 0; i < args.count; i++) {
    const from = startOf(i);
    ranges.push({ from, to: i < args.count - 1 ? startOf(i + 1) : from + args.lastFrames });
  }
  return ranges;
}

const archiveArb = fc
  .record({
    rate: fc.constantFrom(...RATES),
    segmentLength: fc.integer({ min: 1, max: 600 }),
    count: fc.integer({ min: 1, max: 30 }),
    lastFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    first: fc.integer({ min: 0, max: 3 }),
    holes: fc.array(fc.nat(), { maxLength: 4 }),
    fills: fc.array(fc.nat(), { maxLength: 6 }),
  })
  .map((a) => {
    const fullFrames = Math.floor((a.segmentLength * a.rate.numerator) / a.rate.denominator);
    const lastFrames = Math.max(1, Math.round(a.lastFraction * fullFrames));
    // Gaps can only be inside: the first and last counters exist, since they were listed.
    const inner = (n: number) => (a.count > 2 ? a.first + 1 + (n % (a.count - 2)) : undefined);
    const gaps = a.holes.map(inner).filter((c): c is number => c !== undefined);
    const filled = a.fills.map((n) => a.first + (n % a.count));
    return { ...a, lastFrames, gaps, filled, timeline: timeline({ ...a, lastFrames, gaps, filled }) };
  });

/** A section given as fractions of the archive, with some ends snapped to segment boundaries. */
const sectionArb = fc.record({
  u: fc.double({ min: 0, max: 1, noNaN: true }),
  v: fc.double({ min: 0, max: 1, noNaN: true }),
  snapStart: fc.boolean(),
  snapEnd: fc.boolean(),
  overshoot: fc.constantFrom(0, 0, 0, 1),
});

type Archive = typeof archiveArb extends fc.Arbitrary<infer T> ? T : never;

function checkPlanned(a: Archive, plan: PlannedSection, start: number, end: number) {
  const { rate } = a;
  const fps = rate.numerator / rate.denominator;
  const ranges = oracleSegments(a);
  const firstFrame = Math.floor(start * fps + 1e-6);
  const frames = Math.max(1, Math.round((end - start) * fps));
  const total = ranges[ranges.length - 1].to;
  const lastFrame = Math.min(firstFrame + frames, total) - 1;
  // The frame at `start` is on screen at `start`.
  expect(firstFrame / fps).toBeLessThanOrEqual(start + 1e-6);
  expect((firstFrame + 1) / fps).toBeGreaterThan(start - 1e-6);
  // Exactly the segments holding [firstFrame, lastFrame], in order, each once.
  const needed = ranges.map((r, i) => ({ ...r, counter: a.first + i })).filter((r) => r.from <= lastFrame && r.to > firstFrame);
  expect(plan.first_counter).toBe(needed[0].counter);
  expect(plan.last_counter).toBe(needed[needed.length - 1].counter);
  const segments = sectionSegments(a.timeline, plan);
  expect(segments.map((s) => Number(/\.(\d+)\.ts$/.exec(s.uri)![1]))).toEqual(needed.map((r) => r.counter));
  expect(new Set(segments.map((s) => s.uri)).size).toBe(segments.length);
  for (const s of segments) {
    const counter = Number(/\.(\d+)\.ts$/.exec(s.uri)![1]);
    expect(s.uri.startsWith(a.filled.includes(counter) ? 'archive_2.' : 'archive_1.')).toBe(true);
  }
  // Clip: frames from the playlist's first frame, end inclusive, timecodes that say the same.
  const zero = needed[0].from;
  expect(plan.clip).toEqual(
    expect.objectContaining({ start_frame: firstFrame - zero, end_frame: lastFrame - zero }),
  );
  expect(frameOfTimecode(plan.clip!.start_timecode, rate)).toBe(firstFrame - zero);
  expect(frameOfTimecode(plan.clip!.end_timecode, rate)).toBe(lastFrame - zero);
  // Duration within half a frame of what was asked; a section shorter than half a frame still
  // gets one frame (within one frame). A frame rounded past the archive's very end is dropped.
  const made = (lastFrame - firstFrame + 1) / fps;
  const tolerance = (end - start) * fps >= 0.5 ? 0.5 / fps : 1 / fps;
  if (firstFrame + frames <= total) expect(Math.abs(made - (end - start))).toBeLessThanOrEqual(tolerance + 1e-9);
  expect(plan.duration).toBeCloseTo(made, 9);
  // The playlist holds the clip, and passes the strict reader.
  const playlistFrames = needed.reduce((sum, r) => sum + r.to - r.from, 0);
  expect(plan.clip!.end_frame).toBeLessThan(playlistFrames);
  expect(parseVodPlaylist(renderVodPlaylist(segments)).segments).toEqual(segments.map((s) => ({ ...s, duration: Number(s.duration.toFixed(6)) })));
}

describe('section planning (properties)', () => {
  it('selects exactly the segments of each section, each once, with exact clips — or says why not', () => {
    fc.assert(
      fc.property(archiveArb, sectionArb, (a, s) => {
        const ranges = oracleSegments(a);
        const fps = a.rate.numerator / a.rate.denominator;
        const total = ranges[ranges.length - 1].to;
        const archiveEnd = total / fps;
        let start = s.u * archiveEnd * (1 + s.overshoot);
        let end = start + s.v * (archiveEnd - start) + s.overshoot * a.segmentLength;
        if (s.snapStart) start = Math.floor(start / a.segmentLength) * a.segmentLength;
        if (s.snapEnd) end = Math.ceil(end / a.segmentLength) * a.segmentLength;
        fc.pre(end > start);

        const plan = section(a.timeline, start, end);

        const firstFrame = Math.floor(start * fps + 1e-6);
        const lastFrame = Math.min(firstFrame + Math.max(1, Math.round((end - start) * fps)), total) - 1;
        const touchesGap = ranges.some((r, i) => a.gaps.includes(a.first + i) && r.from <= lastFrame && r.to > firstFrame);
        if (firstFrame >= total) {
          expect(plan).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/starts after the end of the archive/) });
        } else if (end > archiveEnd + 0.5 / fps) {
          expect(plan).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/ends after the end of the archive/) });
        } else if (touchesGap) {
          expect(plan).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/no pipeline recorded .* \(segments \d+–\d+ are missing\)/) });
        } else {
          expect(plan.status).toBe('PLANNED');
          checkPlanned(a, plan, start, end);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('section planning (cases)', () => {
  const t25 = timeline({ rate: FRAME_RATES['25'], segmentLength: 10, count: 4, lastFrames: 100 });

  it('starts at 00:00:00:00 of the first segment for start = 0', () => {
    const plan = section(t25, 0, 3);

    expect(plan).toMatchObject({
      status: 'PLANNED',
      first_counter: 1,
      last_counter: 1,
      clip: { start_frame: 0, end_frame: 74, start_timecode: '00:00:00:00', end_timecode: '00:00:02:24' },
      duration: 3,
    });
  });

  it('lists only the segment a section ends at the boundary of, and clips from that segment', () => {
    expect(section(t25, 0, 10)).toMatchObject({ first_counter: 1, last_counter: 1, clip: { end_timecode: '00:00:09:24' } });
    expect(section(t25, 10, 20)).toMatchObject({
      first_counter: 2,
      last_counter: 2,
      clip: { start_timecode: '00:00:00:00', end_timecode: '00:00:09:24' },
    });
  });

  it('clips inside segments for fractional times', () => {
    // 12.34 s at 25 fps is frame 308 (on screen 12.32–12.36 s); 3.16 s is 79 frames.
    const plan = section(t25, 12.34, 15.5);

    expect(plan).toMatchObject({
      first_counter: 2,
      last_counter: 2,
      clip: { start_frame: 58, end_frame: 136, start_timecode: '00:00:02:08', end_timecode: '00:00:05:11' },
      duration: 3.16,
    });
  });

  it('spans segments and writes their real durations (the last one shorter)', () => {
    const plan = section(t25, 25, 34);

    expect(plan).toMatchObject({ first_counter: 3, last_counter: 4, clip: { start_frame: 125, end_frame: 349 } });
    expect(sectionSegments(t25, plan)).toEqual([
      { uri: 'archive_1.000003.ts', duration: 10 },
      { uri: 'archive_1.000004.ts', duration: 4 },
    ]);
  });

  it('at 29.97 fps counts frames, not seconds: the frame on screen at 300 s is the last of the first segment', () => {
    const t = timeline({ rate: FRAME_RATES['29.97'], segmentLength: 300, count: 13, lastFrames: 900 });

    // Frame 8991 starts at 299.9997 s; the second segment starts at frame 8992 (300.0330 s).
    const atBoundary = section(t, 300, 301);
    // The frame on screen at 3600 s is 107892; segment 12 starts at 3300 s, frame 98902.
    const anHourIn = section(t, 3600, 3601);

    expect(atBoundary).toMatchObject({ first_counter: 1, last_counter: 2, clip: { start_frame: 8991, start_timecode: '00:04:59:21' } });
    expect(anHourIn).toMatchObject({ first_counter: 12, clip: { start_frame: 107892 - 98902 } });
  });

  it('cuts a one-segment archive', () => {
    const t = timeline({ rate: FRAME_RATES['30'], segmentLength: 300, count: 1, lastFrames: 450 });

    expect(section(t, 1, 14.5)).toMatchObject({ status: 'PLANNED', first_counter: 1, last_counter: 1, clip: { start_frame: 30, end_frame: 434 } });
    expect(section(t, 14, 16)).toMatchObject({ status: 'FAILED', error: 'section 0 [14, 16]: ends after the end of the archive (15 s)' });
  });

  it('fails a section past the end of the archive, saying where the archive ends', () => {
    expect(section(t25, 40, 50)).toEqual(
      expect.objectContaining({ status: 'FAILED', error: 'section 0 [40, 50]: starts after the end of the archive (34 s)' }),
    );
  });

  it('fails a section over a gap no pipeline recorded, and cuts those beside it', () => {
    const t = timeline({ rate: FRAME_RATES['25'], segmentLength: 10, count: 5, lastFrames: 250, gaps: [3] });

    expect(section(t, 15, 25)).toMatchObject({
      status: 'FAILED',
      error: 'section 0 [15, 25]: no pipeline recorded 20 s to 30 s of the archive (segments 3–3 are missing)',
    });
    expect(section(t, 10, 20)).toMatchObject({ status: 'PLANNED', first_counter: 2, last_counter: 2 });
    expect(section(t, 30, 35)).toMatchObject({ status: 'PLANNED', first_counter: 4, clip: { start_timecode: '00:00:00:00' } });
    expect(archiveGaps(t)).toEqual([{ first_counter: 3, last_counter: 3, start: 20, end: 30 }]);
  });

  it('reads a segment the main pipeline lacks from the other pipeline', () => {
    const t = timeline({ rate: FRAME_RATES['25'], segmentLength: 10, count: 3, lastFrames: 250, filled: [2] });

    expect(sectionSegments(t, section(t, 5, 25)).map((s) => s.uri)).toEqual([
      'archive_1.000001.ts',
      'archive_2.000002.ts',
      'archive_1.000003.ts',
    ]);
  });
});
