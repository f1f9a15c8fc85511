/**
 * A session's recording: a player over its VOD playlist (`GET …/sessions/{session_id}/playlist.m3u8`,
 * the split's own timeline), a section editor (mark in/out at the frame on screen, nudge a frame,
 * type exact times, name), the split (one per section: `console/sections.ts` says why), and each
 * section followed to its MP4 (`GET /streams/{id}/splits/{execution_id}`).
 *
 * The playlist is read through the API client (so it is fetched the way every API call is, and a
 * 404/422 is shown as the API says it) and played from a blob: URL; its segments are absolute URLs.
 */
import { ApiError } from '../api-client';
import { h, replace } from '../dom';
import { alertBox, setAlert, uid } from '../form';
import { play, type Player } from '../player';
import { poll } from '../poll';
import { hrefOf } from '../routes';
import {
  addSection,
  formatClock,
  formatSeconds,
  markIn,
  markOut,
  nudge,
  parseTime,
  removeSection,
  splitRequests,
  updateSection,
  type SectionProblem,
  type Sections,
  type SplitRequest,
} from '../sections';
import { sessionPlaylistFacts } from '../../core/domain/playlist-facts';
import type { FrameRate } from '../../core/domain/frames';
import type { Mount } from '../view';

interface SplitSection {
  index: number;
  state: string;
  download_url?: string;
  error?: string;
}
interface SplitProgress {
  execution_id: string;
  status: string;
  sections: SplitSection[];
}

/** One sent split: the row it cut (as numbered when it was sent) and what the API says of it. */
interface Sent {
  row: number;
  executionId?: string;
  progress?: SplitProgress;
  error?: string;
}

type Field = 'start' | 'end' | 'name';

export const mount: Mount<{ id: string; sessionId: string }> = (root, params, ctx) => {
  const base = `/streams/${encodeURIComponent(params.id)}`;
  let rows: Sections = [];
  let rate: FrameRate | undefined;
  let duration = 0;
  let player: Player | undefined;
  let blobUrl: string | undefined;
  let stopPolling = () => undefined as void;
  let unmounted = false;

  const alert = alertBox();
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  const facts = h('p', { class: 'hint' });
  const video = h('video', { 'aria-label': 'Recording', controls: true, preload: 'auto', class: 'player' });
  const clock = h('p', { class: 'clock' }, 'At 0.000 s');
  const button = (text: string, onclick: () => void, keys?: string) =>
    h('button', { type: 'button', onclick, disabled: true, ...(keys ? { 'aria-keyshortcuts': keys, title: `${text} (${keys})` } : {}) }, text);
  const markInButton = button('Mark in', () => change(markIn(rows, video.currentTime, rate!)), 'I');
  const markOutButton = button('Mark out', () => change(markOut(rows, video.currentTime, rate!)), 'O');
  const previousButton = button('Previous frame', () => step(-1), ',');
  const nextButton = button('Next frame', () => step(1), '.');
  const addButton = button('Add section', () => change(addSection(rows)));
  const splitButton = h('button', { type: 'button', class: 'primary', onclick: () => void split(), disabled: true }, 'Split');
  const editorButtons = [markInButton, markOutButton, previousButton, nextButton, addButton, splitButton];
  const rowList = h('ol', { class: 'sections' });
  const empty = h('p', { class: 'hint' }, 'No sections yet: play the recording and press "Mark in" and "Mark out", or "Add section" and type the times.');
  const results = h('ol', { class: 'split-results' });
  const resultsHeading = h('h2', { id: uid('split-results'), hidden: true }, 'Split');
  /** The inputs and error lines of the rows on screen, by row and field, for the problems of a split. */
  let fieldsOnScreen = new Map<string, { input: HTMLInputElement; error: HTMLElement }>();

  /** A frame step: paused, a quarter frame into the next frame, so the frame shown is the one marked. */
  function step(frames: number) {
    if (!rate) return;
    video.pause();
    video.currentTime = nudge(video.currentTime, rate, frames) + 0.25 / (rate.numerator / rate.denominator);
  }

  function change(next: Sections) {
    rows = next;
    drawRows();
  }

  function timeInput(row: number, field: 'start' | 'end', value: number | null) {
    return fieldInput(row, field, formatSeconds(value), (input) => {
      const parsed = parseTime(input.value);
      if (parsed === undefined) {
        showFieldError(row, field, `Section ${row} ${field}: type seconds (75.5), m:ss or h:mm:ss`);
        return;
      }
      clearFieldError(row, field);
      rows = updateSection(rows, row, { [field]: parsed });
      // Shown as the editor reads it; not redrawn, so the focus stays where the operator moved it.
      input.value = formatSeconds(parsed);
      input.title = parsed === null ? '' : formatClock(parsed);
    });
  }

  function fieldInput(row: number, field: Field, value: string, onchange: (input: HTMLInputElement) => void) {
    const id = uid(`section-${row}-${field}`);
    const label = `Section ${row} ${field}`;
    const input = h('input', {
      id,
      value,
      ...(field === 'name' ? { maxlength: 64, placeholder: 'e.g. Opening keynote' } : { inputmode: 'decimal', autocomplete: 'off' }),
    });
    const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    input.setAttribute('aria-describedby', error.id);
    input.addEventListener('change', () => onchange(input));
    fieldsOnScreen.set(`${row}.${field}`, { input, error });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, error);
  }

  function showFieldError(row: number, field: Field, message: string) {
    const found = fieldsOnScreen.get(`${row}.${field}`);
    if (!found) return;
    found.input.setAttribute('aria-invalid', 'true');
    replace(found.error, message);
    found.error.hidden = false;
  }

  function clearFieldError(row: number, field: Field) {
    const found = fieldsOnScreen.get(`${row}.${field}`);
    if (!found) return;
    found.input.removeAttribute('aria-invalid');
    replace(found.error);
    found.error.hidden = true;
  }

  function drawRows() {
    fieldsOnScreen = new Map();
    empty.hidden = rows.length > 0;
    replace(
      rowList,
      ...rows.map((section, i) => {
        const row = i + 1;
        return h(
          'li',
          { class: 'section-row' },
          h(
            'div',
            { class: 'fields' },
            timeInput(row, 'start', section.start),
            timeInput(row, 'end', section.end),
            fieldInput(row, 'name', section.name, (input) => {
              rows = updateSection(rows, row, { name: input.value });
              clearFieldError(row, 'name');
            }),
          ),
          h('button', { type: 'button', class: 'secondary', onclick: () => change(removeSection(rows, row)) }, `Remove section ${row}`),
        );
      }),
    );
  }

  function showProblems(problems: readonly SectionProblem[]) {
    for (const p of problems) showFieldError(p.row, p.field, p.message);
    setAlert(alert, 'The sections cannot be split yet:', ...problems.map((p) => p.message));
  }

  /** A 400 of one section's split: its fields by the API's detail paths (`timestamp_list.0.end`, `name_modifier`). */
  function showApiError(row: number, err: unknown): string {
    if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
    for (const detail of err.details) {
      const field: Field | undefined = /^timestamp_list\.0\.(start|end)$/.exec(detail.path)?.[1] as Field | undefined ?? (detail.path === 'name_modifier' ? 'name' : undefined);
      if (field) showFieldError(row, field, `Section ${row} ${field}: ${detail.message}`);
    }
    return err.message;
  }

  async function split() {
    if (!rate) return;
    for (const key of fieldsOnScreen.keys()) clearFieldError(Number(key.split('.')[0]), key.split('.')[1] as Field);
    setAlert(alert);
    const { requests, problems } = splitRequests(rows, { sessionId: params.sessionId, duration, rate });
    if (problems.length > 0) {
      showProblems(problems);
      return;
    }
    splitButton.disabled = true;
    stopPolling();
    const sent: Sent[] = requests.map((r) => ({ row: r.row }));
    drawResults(sent);
    await Promise.all(requests.map((request, i) => send(request, sent[i])));
    splitButton.disabled = false;
    const failed = sent.filter((s) => s.error !== undefined);
    if (failed.length > 0) setAlert(alert, 'Some sections were not sent:', ...failed.map((s) => `Section ${s.row}: ${s.error}`));
    drawResults(sent);
    follow(sent);
  }

  async function send(request: SplitRequest, into: Sent) {
    try {
      // A fresh key per press: a retried request starts nothing new, another press is another split.
      const accepted = await ctx.api.request<{ execution_id: string }>('POST', `${base}/split`, { body: request.body, idempotencyKey: crypto.randomUUID() });
      into.executionId = accepted.execution_id;
    } catch (err) {
      into.error = showApiError(request.row, err);
    }
  }

  /** Polls each sent split until it has ended; a failed read is shown and retried at the next tick. */
  function follow(sent: Sent[]) {
    const pending = () => sent.filter((s) => s.executionId !== undefined && (s.progress === undefined || s.progress.status === 'RUNNING'));
    if (pending().length === 0) return;
    stopPolling = poll(async () => {
      const problems: string[] = [];
      await Promise.all(
        pending().map(async (s) => {
          try {
            s.progress = await ctx.api.request<SplitProgress>('GET', `${base}/splits/${encodeURIComponent(s.executionId!)}`);
          } catch (err) {
            problems.push(`Section ${s.row}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
      );
      if (unmounted) return;
      drawResults(sent);
      const failures = sent.flatMap((s) => (s.progress?.sections ?? []).filter((x) => x.state === 'failed').map((x) => `Section ${s.row}: ${x.error ?? 'failed'}`));
      const lines = [...problems, ...failures];
      setAlert(alert, ...(lines.length > 0 ? ['Split problems:', ...lines] : []));
      if (pending().length === 0) stopPolling();
    });
  }

  function drawResults(sent: readonly Sent[]) {
    resultsHeading.hidden = sent.length === 0;
    replace(
      results,
      ...sent.map((s) => {
        const section = s.progress?.sections[0];
        const state = s.error !== undefined ? 'not sent' : section?.state ?? (s.executionId ? 'pending' : 'sending…');
        const link =
          section?.state === 'done' && section.download_url
            ? h('a', { href: section.download_url, download: '', class: 'download' }, `Download section ${s.row}`)
            : null;
        return h(
          'li',
          { 'data-state': state },
          h('strong', {}, `Section ${s.row}`),
          ': ',
          h('span', { class: `split-state state-${state.replace(/\W+/g, '-')}` }, state),
          section?.error ? ` (${section.error})` : null,
          link ? ' ' : null,
          link,
          s.executionId
            ? h('span', { class: 'hint' }, ' · ', h('a', { href: hrefOf({ view: 'execution', id: params.id, executionId: s.executionId }) }, h('span', { class: 'visually-hidden' }, `Section ${s.row} `), 'execution'))
            : null,
        );
      }),
    );
  }

  /** Keyboard marks for the operator's other hand on the transport: I, O, comma and period, outside text fields. */
  function onKey(event: KeyboardEvent) {
    if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey || !rate) return;
    const action = { i: markInButton, o: markOutButton, ',': previousButton, '.': nextButton }[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    action.click();
  }

  const updateClock = () => replace(clock, `At ${formatSeconds(video.currentTime)} s (${formatClock(video.currentTime)})`);
  video.addEventListener('timeupdate', updateClock);
  video.addEventListener('seeked', updateClock);
  root.addEventListener('keydown', onKey);

  replace(
    root,
    h('p', {}, h('a', { href: hrefOf({ view: 'stream', id: params.id }) }, '← Stream')),
    h('h1', {}, `Recording ${params.sessionId.slice(0, 8)}…`),
    alert,
    h('div', { class: 'player-wrap' }, video, status, facts, clock),
    h('section', { 'aria-labelledby': 'sections-heading' },
      h('h2', { id: 'sections-heading' }, 'Sections'),
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Marking' }, markInButton, markOutButton, previousButton, nextButton, addButton),
      empty,
      rowList,
      h('div', { class: 'actions' }, splitButton),
    ),
    h('section', { 'aria-labelledby': resultsHeading.id }, resultsHeading, results),
  );
  drawRows();

  void (async () => {
    try {
      const text = await ctx.api.request<string>('GET', `${base}/sessions/${encodeURIComponent(params.sessionId)}/playlist.m3u8`, { text: true });
      if (unmounted) return;
      const read = sessionPlaylistFacts(text);
      if (!read.frameRate) throw new Error('the playlist does not give the recording\'s frame rate');
      rate = read.frameRate;
      duration = read.duration;
      blobUrl = URL.createObjectURL(new Blob([text], { type: 'application/vnd.apple.mpegurl' }));
      player = play(video, blobUrl, (text) => replace(status, text), { autoplay: false });
      replace(facts, `Length ${formatClock(duration)} at ${(rate.numerator / rate.denominator).toFixed(3).replace(/\.?0+$/, '')} fps`);
      for (const b of editorButtons) b.disabled = false;
    } catch (err) {
      if (unmounted) return;
      const why = err instanceof ApiError && err.status === 422 ? 'Nothing to play yet: ' : 'The recording cannot be loaded: ';
      setAlert(alert, why + (err instanceof Error ? err.message : String(err)));
    }
  })();

  return () => {
    unmounted = true;
    stopPolling();
    player?.stop();
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    root.removeEventListener('keydown', onKey);
    video.removeEventListener('timeupdate', updateClock);
    video.removeEventListener('seeked', updateClock);
  };
};
