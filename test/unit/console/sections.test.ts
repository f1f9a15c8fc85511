import { describe, expect, it } from '@jest/globals';
import {
  addSection,
  formatClock,
  markIn,
  markOut,
  nameModifierOf,
  nudge,
  parseTime,
  removeSection,
  splitRequests,
  updateSection,
  type Sections,
} from '../../../console/sections';
import { FRAMERATE } from '../../../core/domain/encoder-settings';
import { FRAME_RATES, frameAt } from '../../../core/domain/timecode';

const FPS25 = FRAME_RATES['25'];
const SESSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('section list', () => {
  it('makes one row per in/out pair, whether or not "Add section" came first', () => {
    // Act: in/out twice; then the same with "Add section" before each pair
    const pairs = markOut(markIn(markOut(markIn([], 1.01, FPS25), 3.5, FPS25), 10, FPS25), 12.02, FPS25);
    const added = markOut(markIn(addSection(markOut(markIn(addSection([]), 1.01, FPS25), 3.5, FPS25)), 10, FPS25), 12.02, FPS25);

    // Assess: in = the start of the frame on screen, out = the end of it (that frame is the last one in)
    const expected = [
      { start: 1, end: 3.52, name: '' },
      { start: 10, end: 12.04, name: '' },
    ];
    expect(pairs).toEqual(expected);
    expect(added).toEqual(expected);
  });

  it('re-marks the open row, opens a row on a lone mark out, and removes and edits rows by their number', () => {
    let rows: Sections = markIn(markIn([], 2, FPS25), 4, FPS25);
    expect(rows).toEqual([{ start: 4, end: null, name: '' }]);
    rows = markOut(rows, 6, FPS25);
    rows = markOut(rows, 7, FPS25);
    expect(rows).toEqual([{ start: 4, end: 7.04, name: '' }]);
    expect(markOut([], 5, FPS25)).toEqual([{ start: null, end: 5.04, name: '' }]);

    rows = updateSection(addSection(rows), 2, { start: 8, end: 9, name: 'b' });
    expect(removeSection(rows, 1)).toEqual([{ start: 8, end: 9, name: 'b' }]);
  });

  it('nudges by exactly one frame at the stream\'s frame rate, snapped to frame starts', () => {
    // Assess: MediaLive encodes 29.97 fps (core/domain/encoder-settings.ts): 1001/30000 s a frame
    const t = 10.0;
    const next = nudge(t, FRAMERATE, 1);
    expect(frameAt(next, FRAMERATE)).toBe(frameAt(t, FRAMERATE) + 1);
    expect(nudge(next, FRAMERATE, -1)).toBeCloseTo((frameAt(t, FRAMERATE) * 1001) / 30000, 9);
    expect(nudge(0.01, FPS25, -1)).toBe(0);
    expect(nudge(1.03, FPS25, 1)).toBe(1.04);
  });

  it('reads typed times as seconds, m:ss or h:mm:ss, and refuses anything else', () => {
    expect(parseTime('75.5')).toBe(75.5);
    expect(parseTime('1:15.5')).toBe(75.5);
    expect(parseTime('1:01:15')).toBe(3675);
    expect(parseTime('  ')).toBeNull();
    for (const bad of ['1:75', 'abc', '-3', '1:60:00', '1,5']) expect(parseTime(bad)).toBeUndefined();
    expect(formatClock(3675.5)).toBe('1:01:15.500');
    expect(formatClock(75.5)).toBe('1:15.500');
  });
});

describe('split requests', () => {
  const args = { sessionId: SESSION, duration: 60, rate: FPS25 };

  it('makes one split per row, named rows with their name as the name modifier, skipping blank rows', () => {
    const rows: Sections = [
      { start: 1, end: 3.52, name: 'Opening keynote' },
      { start: 10, end: 12, name: '' },
      { start: null, end: null, name: '' },
    ];

    const { requests, problems } = splitRequests(rows, args);

    expect(problems).toEqual([]);
    expect(requests).toEqual([
      { row: 1, body: { timestamp_list: [{ start: 1, end: 3.52 }], session_id: SESSION, name_modifier: 'Opening-keynote' } },
      { row: 2, body: { timestamp_list: [{ start: 10, end: 12 }], session_id: SESSION } },
    ]);
  });

  it('names each wrong field by its row and sends nothing', () => {
    const rows: Sections = [
      { start: 5, end: 5, name: 'a' },
      { start: null, end: 61, name: 'A' },
      { start: 70, end: null, name: '!!!' },
      { start: 1, end: 2, name: 'ok' },
    ];

    const { requests, problems } = splitRequests(rows, args);

    expect(requests).toEqual([]);
    expect(problems).toEqual([
      { row: 1, field: 'end', message: 'Section 1 end must be after its start' },
      { row: 2, field: 'start', message: 'Section 2 start is required' },
      { row: 2, field: 'end', message: 'Section 2 end must be within the recording (60.000 s)' },
      { row: 2, field: 'name', message: "Section 2 name is the same file name as section 1's" },
      { row: 3, field: 'start', message: 'Section 3 start must be before the end of the recording (60.000 s)' },
      { row: 3, field: 'end', message: 'Section 3 end is required' },
      { row: 3, field: 'name', message: 'Section 3 name must have 1 to 64 letters, digits, "-" or "_" (got "")' },
    ]);
  });

  it('lets an end pass the recording by under half a frame (as the planner does), clamped to it', () => {
    expect(splitRequests([{ start: 50, end: 60.019, name: '' }], args).requests[0].body.timestamp_list).toEqual([{ start: 50, end: 60 }]);
    expect(splitRequests([{ start: 50, end: 60.021, name: '' }], args).problems).toHaveLength(1);
    expect(splitRequests([], args).problems).toEqual([{ row: 1, field: 'start', message: 'Add a section to split' }]);
    expect(nameModifierOf(' Q&A  part 2. ')).toBe('QA-part-2-');
  });
});
