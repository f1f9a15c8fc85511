import { frameAt, frameTime, framesPerSecond, type FrameRate } from '../core/domain/frames';
import { NAME_MODIFIER_PATTERN } from '../core/domain/name-modifier';

/**
 * The recording view's section list, as pure functions over an immutable list (no DOM: unit-tested
 * under Node). Times are seconds on the session playlist's timeline, which is the split's timeline
 * (time 0 is the archive's first frame, `core/domain/archive-timeline.ts`), so what the operator
 * marks is what the split cuts.
 *
 * Rows are numbered from 1 as the operator sees them ("Section 2 start").
 */
export interface Section {
  start: number | null;
  end: number | null;
  name: string;
}
export type Sections = readonly Section[];

const blank = (): Section => ({ start: null, end: null, name: '' });
const isBlank = (s: Section) => s.start === null && s.end === null && s.name.trim() === '';

/** The start of the frame on screen at `t`: a mark lands on a frame, as the split counts them. */
function frameStart(t: number, rate: FrameRate): number {
  return frameTime(frameAt(Math.max(0, t), rate), rate);
}

/** `t` moved by `frames` whole frames (±1 for the nudge buttons), snapped to a frame start, never below 0. */
export function nudge(t: number, rate: FrameRate, frames: number): number {
  return frameTime(Math.max(0, frameAt(Math.max(0, t), rate) + frames), rate);
}

function replaceLast(sections: Sections, change: Partial<Section>): Sections {
  return [...sections.slice(0, -1), { ...sections[sections.length - 1], ...change }];
}

/**
 * Mark in at `t`: the last row takes it while that row has no end yet (a fresh "Add section" row, or
 * an in re-marked before its out); once the last row is complete, a mark in opens a new row. So both
 * "Mark in, Mark out, Mark in, Mark out" and "Add section, Mark in, Mark out" make one row per pair.
 */
export function markIn(sections: Sections, t: number, rate: FrameRate): Sections {
  const start = frameStart(t, rate);
  const last = sections.at(-1);
  if (last && last.end === null) return replaceLast(sections, { start });
  return [...sections, { ...blank(), start }];
}

/**
 * Mark out at `t`: the end of the frame on screen, so that frame is the section's last (as an
 * editor's out point includes the frame it is set on). It sets the last row's end (re-marking moves
 * it); with no row yet it opens one whose start is still to be given.
 */
export function markOut(sections: Sections, t: number, rate: FrameRate): Sections {
  const end = nudge(t, rate, 1);
  if (sections.length === 0) return [{ ...blank(), end }];
  return replaceLast(sections, { end });
}

export function addSection(sections: Sections): Sections {
  return [...sections, blank()];
}

/** Removes row `n` (from 1); the rows after it move up a number. */
export function removeSection(sections: Sections, n: number): Sections {
  return sections.filter((_, i) => i !== n - 1);
}

export function updateSection(sections: Sections, n: number, change: Partial<Section>): Sections {
  return sections.map((s, i) => (i === n - 1 ? { ...s, ...change } : s));
}

/**
 * A typed time: seconds (`75.5`), `m:ss(.fff)` or `h:mm:ss(.fff)`; `null` for an empty field;
 * `undefined` when it is none of those.
 */
export function parseTime(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(trimmed);
  if (!match) return undefined;
  const [hours, minutes, seconds] = [Number(match[1] ?? 0), Number(match[2]), Number(match[3])];
  if (seconds >= 60 || (match[1] !== undefined && minutes >= 60)) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

/** Seconds as the time fields show them: milliseconds, enough to tell frames apart at 60 fps. */
export function formatSeconds(t: number | null): string {
  return t === null ? '' : t.toFixed(3);
}

/** `h:mm:ss.fff` (or `m:ss.fff`), for reading beside the seconds. */
export function formatClock(t: number): string {
  const ms = Math.round(t * 1000);
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}


/** A section's name as a file-name part: spaces and dots become `-`, other characters outside the rule go. */
export function nameModifierOf(name: string): string {
  return name
    .trim()
    .replace(/[\s.]+/g, '-')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .replace(/-{2,}/g, '-');
}

/** A problem with one field, named as the view labels it (`Section 2 end`). */
export interface SectionProblem {
  /** The row (from 1). */
  row: number;
  field: 'start' | 'end' | 'name';
  message: string;
}

/** One split request, and the editor row it cuts. */
export interface SplitRequest {
  row: number;
  body: { timestamp_list: { start: number; end: number }[]; session_id: string; name_modifier?: string };
}

/**
 * The split requests for the rows, or what is wrong with them.
 *
 * Names → the API: a split has one `name_modifier` and names its MP4s
 * `index_{name_modifier}_{n}.mp4`, so a named file per section needs one split per section: each row
 * is its own split, whose `name_modifier` is the row's name made file-safe (`Opening keynote` →
 * `index_Opening-keynote_0.mp4`). A row without a name leaves it out, and the API gives it a fresh
 * random one, so an unnamed cut never overwrites an earlier one. Two rows may not share a name
 * (their MP4s would be the same object). One split per row also lets each section be followed,
 * retried or fail on its own.
 *
 * Rows left entirely blank (an extra "Add section") are skipped; `duration` is the recording's
 * length, and an end may pass it by half a frame, as the split planner allows.
 */
export function splitRequests(
  sections: Sections,
  args: { sessionId: string; duration: number; rate: FrameRate },
): { requests: SplitRequest[]; problems: SectionProblem[] } {
  const problems: SectionProblem[] = [];
  const requests: SplitRequest[] = [];
  const seen = new Map<string, number>();
  const slack = 0.5 / framesPerSecond(args.rate);
  const recording = `the recording (${formatSeconds(args.duration)} s)`;
  sections.forEach((section, i) => {
    const row = i + 1;
    if (isBlank(section) && sections.some((s) => !isBlank(s))) return;
    const before = problems.length;
    const problem = (field: SectionProblem['field'], message: string) => problems.push({ row, field, message });
    const { start, end } = section;
    if (start === null) problem('start', `Section ${row} start is required`);
    else if (start < 0) problem('start', `Section ${row} start must be 0 or more`);
    else if (start >= args.duration) problem('start', `Section ${row} start must be before the end of ${recording}`);
    if (end === null) problem('end', `Section ${row} end is required`);
    else if (start !== null && end <= start) problem('end', `Section ${row} end must be after its start`);
    else if (end > args.duration + slack) problem('end', `Section ${row} end must be within ${recording}`);
    const name = section.name.trim();
    const modifier = nameModifierOf(name);
    if (name !== '') {
      if (!NAME_MODIFIER_PATTERN.test(modifier)) {
        problem('name', `Section ${row} name must have 1 to 64 letters, digits, "-" or "_" (got "${modifier}")`);
      } else if (seen.has(modifier.toLowerCase())) {
        problem('name', `Section ${row} name is the same file name as section ${seen.get(modifier.toLowerCase())}'s`);
      } else {
        seen.set(modifier.toLowerCase(), row);
      }
    }
    if (problems.length > before || start === null || end === null) return;
    requests.push({
      row,
      body: {
        timestamp_list: [{ start, end: Math.min(end, args.duration) }],
        session_id: args.sessionId,
        ...(name === '' ? {} : { name_modifier: modifier }),
      },
    });
  });
  if (requests.length === 0 && problems.length === 0) problems.push({ row: 1, field: 'start', message: 'Add a section to split' });
  return { requests: problems.length > 0 ? [] : requests, problems };
}
