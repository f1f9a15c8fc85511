/**
 * `#/`: every stream with its badges, refreshed every 2 s in place (rows are kept, so focus and
 * scroll survive a refresh), and the create form.
 */
import { badgeKey, stateBadges } from '../badges';
import { h, replace } from '../dom';
import { bodyOf } from '../field-errors';
import { alertBox, clearErrors, inputField, numbersReadable, setAlert, showErrors, uid, valuesOf } from '../form';
import { poll } from '../poll';
import { hrefOf } from '../routes';
import { formatTime } from '../time';
import type { StreamRecord } from '../types';
import type { Mount } from '../view';

interface Row {
  tr: HTMLTableRowElement;
  link: HTMLAnchorElement;
  badges: HTMLElement;
  badgeKey: string;
  updated: HTMLElement;
  description: HTMLElement;
}

export const mount: Mount<Record<string, never>> = (root, _params, ctx) => {
  const status = h('p', { class: 'status', role: 'status' });
  const loadError = alertBox();
  const tbody = h('tbody');
  const empty = h('p', { hidden: true }, 'No streams yet: create one below.');
  const table = h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Streams, newest change first'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Description'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Last change'))),
    tbody,
  );
  const rows = new Map<string, Row>();

  const render = (streams: StreamRecord[]) => {
    empty.hidden = streams.length > 0;
    table.hidden = streams.length === 0;
    const seen = new Set<string>();
    for (const stream of streams) {
      seen.add(stream.id);
      const row = rows.get(stream.id) ?? newRow(stream);
      rows.set(stream.id, row);
      if (row.link.textContent !== stream.name) row.link.textContent = stream.name;
      const key = badgeKey(stream);
      if (row.badgeKey !== key) {
        replace(row.badges, ...stateBadges(stream));
        row.badgeKey = key;
      }
      row.description.textContent = stream.description;
      row.updated.textContent = formatTime(stream.last_update);
      // In the API's order (newest change first); appending an attached row moves it.
      tbody.appendChild(row.tr);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.tr.remove();
        rows.delete(id);
      }
    }
  };

  const refresh = async () => {
    try {
      render(await ctx.api.request<StreamRecord[]>('GET', '/streams'));
      setAlert(loadError);
    } catch (err) {
      setAlert(loadError, 'Could not load the streams', err instanceof Error ? err.message : String(err));
    }
  };

  const form = createForm(ctx.api.request.bind(ctx.api), (record) => {
    status.textContent = `Stream “${record.name}” created (${record.state}).`;
    void refresh();
  });

  replace(
    root,
    h('h1', {}, 'Streams'),
    loadError,
    h('div', { class: 'table-wrap' }, table),
    empty,
    status,
    form,
  );
  return poll(refresh);
};

function newRow(stream: StreamRecord): Row {
  const link = h('a', { href: hrefOf({ view: 'stream', id: stream.id }) }, stream.name);
  const badges = h('td');
  const description = h('td', { class: 'hide-narrow' });
  const updated = h('td', { class: 'hide-narrow' });
  const tr = h('tr', { 'data-stream-id': stream.id }, h('td', {}, link), badges, description, updated);
  return { tr, link, badges, badgeKey: '', updated, description };
}

type Request = <T>(method: string, path: string, options?: { body?: unknown; idempotencyKey?: string }) => Promise<T>;

function createForm(request: Request, created: (record: StreamRecord) => void): HTMLElement {
  const fields = [
    inputField('Name', 'name', { required: true, maxlength: 128, autocomplete: 'off' }),
    inputField('Description', 'description', { maxlength: 1024, autocomplete: 'off' }),
    inputField('Segment length (s)', 'segment_length', { type: 'number', min: 1, max: 3600, step: 1, inputmode: 'numeric' }, 'Archive segment length, 1–3600; default 300.'),
  ];
  const alert = alertBox();
  const button = h('button', { type: 'submit' }, 'Create');
  const headingId = uid('create-heading');
  const form = h(
    'form',
    { 'aria-labelledby': headingId, class: 'panel', novalidate: true },
    h('h2', { id: headingId }, 'Create stream'),
    alert,
    h('div', { class: 'fields' }, ...fields.map((field) => field.element)),
    h('div', { class: 'actions' }, button),
  );
  // Each submission is one create: a retry of the same request (a lost answer) creates nothing twice.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clearErrors(fields, alert);
    if (!numbersReadable(fields, alert)) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    button.disabled = true;
    const body = bodyOf(valuesOf(fields), ['segment_length'], ['name']);
    request<StreamRecord>('POST', '/streams', { body, idempotencyKey: crypto.randomUUID() })
      .then((record) => {
        form.reset();
        created(record);
      })
      .catch((err: unknown) => {
        showErrors(fields, alert, err);
        // The first wrong field gets the focus; the alert is announced either way.
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}
