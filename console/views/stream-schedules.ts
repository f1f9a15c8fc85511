/**
 * Timed starts and stops: picked in the operator's own time zone, sent (and shown beside it) as
 * UTC; each with its outcome, and "Cancel" while it has not fired.
 */
import { h, replace } from '../dom';
import { alertBox, clearErrors, inputField, selectField, setAlert, showErrors } from '../form';
import { hrefOf } from '../routes';
import { formatTime, localInputToUtc, toLocalInput } from '../time';
import type { ScheduleView } from '../types';
import { streamPath, type SectionContext, type StreamSection } from './stream-section';

export function schedulesSection(ctx: SectionContext): StreamSection {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const time = inputField('Schedule time', 'at', { type: 'datetime-local', step: 60 }, `In your time zone (${zone}).`);
  const utc = h('p', { class: 'hint', 'aria-live': 'polite' });
  const action = selectField('Schedule action', 'action', [
    ['start', 'Start'],
    ['stop', 'Stop'],
  ]);
  const add = h('button', { type: 'submit' }, 'Add schedule');
  const alert = alertBox();
  const listAlert = alertBox();
  const tbody = h('tbody');
  const empty = h('p', {}, 'No schedules.');
  const table = h(
    'table',
    { hidden: true },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['When (your time, then UTC)', 'Action', 'State', 'Outcome'].map((text) => h('th', { scope: 'col' }, text)),
        // The buttons' column: named for screen readers, blank on screen.
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    tbody,
  );
  let version: number | undefined;
  let shown = '';

  const showUtc = () => {
    const at = localInputToUtc(time.control.value);
    utc.textContent = at === undefined ? 'UTC: —' : `UTC: ${at}`;
  };
  time.control.value = toLocalInput(new Date(Date.now() + 10 * 60_000));
  time.control.addEventListener('input', showUtc);
  showUtc();

  const load = async () => {
    try {
      const schedules = await ctx.api.request<ScheduleView[]>('GET', streamPath(ctx.streamId, '/schedules'));
      setAlert(listAlert);
      const key = JSON.stringify(schedules);
      if (key === shown) return;
      shown = key;
      empty.hidden = schedules.length > 0;
      table.hidden = schedules.length === 0;
      replace(tbody, ...schedules.map((schedule) => row(schedule)));
    } catch (err) {
      setAlert(listAlert, 'Could not load the schedules', err instanceof Error ? err.message : String(err));
    }
  };

  const row = (schedule: ScheduleView) => {
    const cancel =
      schedule.state === 'scheduled'
        ? h('button', { type: 'button', class: 'secondary', 'aria-describedby': `schedule-${schedule.schedule_id}` }, 'Cancel')
        : null;
    cancel?.addEventListener('click', () => {
      cancel.disabled = true;
      ctx.api
        .request('DELETE', streamPath(ctx.streamId, `/schedules/${encodeURIComponent(schedule.schedule_id)}`), { idempotencyKey: crypto.randomUUID() })
        .catch((err: unknown) => setAlert(listAlert, 'Could not cancel the schedule', err instanceof Error ? err.message : String(err)))
        .finally(() => void load());
    });
    const outcome =
      schedule.execution_id !== undefined
        ? h('a', { href: hrefOf({ view: 'execution', id: ctx.streamId, executionId: schedule.execution_id }) }, `${schedule.action} execution`)
        : (schedule.error ?? '');
    return h(
      'tr',
      {},
      h('td', { id: `schedule-${schedule.schedule_id}` }, formatTime(schedule.at), h('br'), h('code', { class: 'hint' }, schedule.at)),
      h('td', {}, schedule.action),
      h('td', {}, h('span', { class: `badge schedule-${schedule.state}` }, schedule.state)),
      h('td', {}, outcome),
      h('td', {}, cancel),
    );
  };

  const form = h(
    'form',
    { 'aria-label': 'Add schedule', novalidate: true },
    alert,
    h('div', { class: 'fields' }, h('div', {}, time.element, utc), action.element),
    h('div', { class: 'actions' }, add),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    add.disabled = true;
    clearErrors([time, action], alert);
    // A value that is no time is sent as it is: the API's message then names `at`.
    const at = localInputToUtc(time.control.value) ?? time.control.value;
    ctx.api
      .request('POST', streamPath(ctx.streamId, '/schedules'), { body: { action: action.control.value, at }, idempotencyKey: crypto.randomUUID() })
      .then(() => load())
      .catch((err: unknown) => showErrors([time, action], alert, err))
      .finally(() => {
        add.disabled = false;
      });
  });

  const element = h(
    'section',
    { 'aria-labelledby': 'schedules-heading' },
    h('h2', { id: 'schedules-heading' }, 'Schedules'),
    listAlert,
    empty,
    h('div', { class: 'table-wrap' }, table),
    form,
  );
  return {
    element,
    update(record) {
      // Schedules live in the record: its version changes whenever one is added, fires or is cancelled.
      if (record.version === version) return;
      version = record.version;
      void load();
    },
  };
}
