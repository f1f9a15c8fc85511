import { describe, expect, it } from '@jest/globals';
import { formatDuration, formatTime, localInputToUtc, toLocalInput } from '../../../console/time';

describe('console times', () => {
  it('reads a datetime-local value in the local zone and gives it as UTC', () => {
    const local = new Date(2026, 4, 1, 9, 30);
    expect(localInputToUtc('2026-05-01T09:30')).toBe(`${local.toISOString().slice(0, 19)}Z`);
    expect(localInputToUtc(toLocalInput(local))).toBe(`${local.toISOString().slice(0, 19)}Z`);
    expect(localInputToUtc('2026-05-01T09:30:15')).toMatch(/:15Z$/);
  });

  it('has no UTC for what is not a datetime-local value', () => {
    for (const value of ['', '2026-05-01', '2026-05-01T09:30Z', 'soon', '2026-13-45T99:99']) expect(localInputToUtc(value)).toBeUndefined();
  });

  it('formats durations and record times', () => {
    expect(formatDuration(5)).toBe('5 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3723)).toBe('1 h 02 min 03 s');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('1700000000')).toBe(new Date(1700000000 * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
  });
});
