/**
 * A session's recording: a player over its VOD playlist (`GET …/sessions/{session_id}/playlist.m3u8`,
 * the split's own timeline), marking on it (mark in/out at the frame on screen, nudge a frame) into
 * the section editor (`./section-editor.ts`: typed times, names), the split (one per section:
 * `console/sections.ts` says why), and each section followed to its MP4 (`./split-results.ts`).
 *
 * The playlist is read through the API client (so it is fetched the way every API call is, and a
 * 404/422 is shown as the API says it) and played from a blob: URL; its segments are absolute URLs.
 */
import { ApiError } from '../api-client';
import { h, replace } from '../dom';
import { alertBox, setAlert } from '../form';
import { play, type Player } from '../player';
import { poll } from '../poll';
import { hrefOf } from '../routes';
import { sectionEditor } from './section-editor';
import { splitResults, type Sent, type SplitProgress } from './split-results';
import { addSection, formatClock, formatSeconds, markIn, markOut, nudge, splitRequests, type SectionProblem, type SplitRequest } from '../sections';
import { sessionPlaylistFacts } from '../../core/domain/playlist-facts';
import { framesPerSecond, type FrameRate } from '../../core/domain/frames';
import type { Mount } from '../view';

export const mount: Mount<{ id: string; sessionId: string }> = (root, params, ctx) => {
  const base = `/streams/${encodeURIComponent(params.id)}`;
  const editor = sectionEditor();
  const results = splitResults(params.id);
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
  const markInButton = button('Mark in', () => editor.change(markIn(editor.rows(), video.currentTime, rate!)), 'I');
  const markOutButton = button('Mark out', () => editor.change(markOut(editor.rows(), video.currentTime, rate!)), 'O');
  const previousButton = button('Previous frame', () => step(-1), ',');
  const nextButton = button('Next frame', () => step(1), '.');
  const addButton = button('Add section', () => editor.change(addSection(editor.rows())));
  const splitButton = h('button', { type: 'button', class: 'primary', onclick: () => void split(), disabled: true }, 'Split');
  const editorButtons = [markInButton, markOutButton, previousButton, nextButton, addButton, splitButton];
  /** A frame step: paused, a quarter frame into the next frame, so the frame shown is the one marked. */
  function step(frames: number) {
    if (!rate) return;
    video.pause();
    video.currentTime = nudge(video.currentTime, rate, frames) + 0.25 / (rate.numerator / rate.denominator);
  }

  function showProblems(problems: readonly SectionProblem[]) {
    for (const p of problems) editor.showFieldError(p.row, p.field, p.message);
    setAlert(alert, 'The sections cannot be split yet:', ...problems.map((p) => p.message));
  }

  async function split() {
    if (!rate) return;
    editor.clearErrors();
    setAlert(alert);
    const { requests, problems } = splitRequests(editor.rows(), { sessionId: params.sessionId, duration, rate });
    if (problems.length > 0) {
      showProblems(problems);
      return;
    }
    splitButton.disabled = true;
    stopPolling();
    const sent: Sent[] = requests.map((r) => ({ row: r.row }));
    results.draw(sent);
    await Promise.all(requests.map((request, i) => send(request, sent[i])));
    splitButton.disabled = false;
    const failed = sent.filter((s) => s.error !== undefined);
    if (failed.length > 0) setAlert(alert, 'Some sections were not sent:', ...failed.map((s) => `Section ${s.row}: ${s.error}`));
    results.draw(sent);
    follow(sent);
  }

  async function send(request: SplitRequest, into: Sent) {
    try {
      // A fresh key per press: a retried request starts nothing new, another press is another split.
      const accepted = await ctx.api.request<{ execution_id: string }>('POST', `${base}/split`, { body: request.body, idempotencyKey: crypto.randomUUID() });
      into.executionId = accepted.execution_id;
    } catch (err) {
      into.error = editor.showApiError(request.row, err);
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
      results.draw(sent);
      const failures = sent.flatMap((s) => (s.progress?.sections ?? []).filter((x) => x.state === 'failed').map((x) => `Section ${s.row}: ${x.error ?? 'failed'}`));
      const lines = [...problems, ...failures];
      setAlert(alert, ...(lines.length > 0 ? ['Split problems:', ...lines] : []));
      if (pending().length === 0) stopPolling();
    });
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
      ...editor.elements,
      h('div', { class: 'actions' }, splitButton),
    ),
    results.element,
  );

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
      replace(facts, `Length ${formatClock(duration)} at ${framesPerSecond(rate).toFixed(3).replace(/\.?0+$/, '')} fps`);
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
