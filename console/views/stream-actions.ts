/**
 * The lifecycle buttons (Start with its options, Stop, Go live, Take off live, Delete), each
 * enabled by the state rules, and disabled while any of them is being asked.
 */
import { h } from '../dom';
import { bodyOf } from '../field-errors';
import { alertBox, clearErrors, inputField, numbersReadable, showErrors, valuesOf, type Field } from '../form';
import { deleteNeedsConfirmation, streamButtons, type StreamButtons } from '../stream-rules';
import type { StreamRecord } from '../types';
import { streamPath, type SectionContext, type StreamSection } from './stream-section';

const NUMERIC = ['startover_window_seconds', 'key_rotation_interval', 'max_session_seconds', 'idle_stop_seconds'];
/** How long "Confirm delete" waits for its second press before turning back into Delete. */
const CONFIRM_MS = 5000;

export function actionsSection(ctx: SectionContext): StreamSection {
  const alert = alertBox();
  const number = { type: 'number', min: 0, step: 1, inputmode: 'numeric' };
  const options: Field[] = [
    inputField('Archive path', 'path', { type: 'text', autocomplete: 'off', placeholder: 's3://bucket/prefix/' }, 'Default: a dated prefix in the archive bucket.'),
    inputField('Startover window (s)', 'startover_window_seconds', number, '0–1209600; default 3600.'),
    inputField('Key rotation interval (s)', 'key_rotation_interval', number, '0 = no rotation, else 60–86400; default 60.'),
    inputField('Max session (s)', 'max_session_seconds', number, 'This session only: 60–604800, 0 = no limit; default the stream’s.'),
    inputField('Idle stop (s)', 'idle_stop_seconds', number, 'This session only: 60–86400, 0 = never; default the stream’s.'),
  ];
  let busy = false;
  let record: StreamRecord | undefined;

  const button = (text: string, cls?: string) => h('button', { type: 'button', class: cls, disabled: true }, text);
  const buttons: Record<'start' | 'stop' | 'goLive' | 'takeOffLive' | 'delete', HTMLButtonElement> = {
    start: button('Start'),
    stop: button('Stop'),
    goLive: button('Go live'),
    takeOffLive: button('Take off live', 'secondary'),
    delete: button('Delete', 'danger'),
  };

  const sync = () => {
    const allowed: Partial<StreamButtons> = record === undefined ? {} : streamButtons(record);
    for (const [name, element] of Object.entries(buttons)) element.disabled = busy || allowed[name as keyof typeof buttons] !== true;
  };

  const act = (method: string, rest: string, body?: unknown, fields: Field[] = []) => {
    busy = true;
    sync();
    clearErrors(options, alert);
    ctx.api
      .request(method, streamPath(ctx.streamId, rest), { ...(body === undefined ? {} : { body }), ...(method === 'POST' || method === 'DELETE' ? { idempotencyKey: crypto.randomUUID() } : {}) })
      .catch((err: unknown) => showErrors(fields, alert, err))
      .finally(() => {
        busy = false;
        sync();
        ctx.refresh();
      });
  };

  buttons.start.addEventListener('click', () => {
    clearErrors(options, alert);
    if (!numbersReadable(options, alert)) {
      details.open = true;
      return;
    }
    act('POST', '/start', bodyOf(valuesOf(options), NUMERIC), options);
  });
  buttons.stop.addEventListener('click', () => act('POST', '/stop'));
  buttons.goLive.addEventListener('click', () => act('POST', '/live'));
  buttons.takeOffLive.addEventListener('click', () => act('DELETE', '/live'));
  // Deleting keeps the recordings (docs/API.md), so an idle stream goes at once; one that is
  // broadcasting asks for a second press, in the page (headless browsers dismiss window.confirm).
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel');
  let armed: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    clearTimeout(armed);
    armed = undefined;
    buttons.delete.textContent = 'Delete';
    cancel.hidden = true;
  };
  buttons.delete.addEventListener('click', () => {
    if (armed === undefined && record !== undefined && deleteNeedsConfirmation(record)) {
      buttons.delete.textContent = 'Confirm delete';
      cancel.hidden = false;
      armed = setTimeout(disarm, CONFIRM_MS);
      return;
    }
    disarm();
    act('DELETE', '');
  });
  cancel.addEventListener('click', () => {
    disarm();
    buttons.delete.focus();
  });

  const details = h('details', {}, h('summary', {}, 'Start options'), h('div', { class: 'fields' }, ...options.map((field) => field.element)));
  const element = h(
    'section',
    { 'aria-label': 'Actions' },
    alert,
    h('div', { class: 'actions' }, buttons.start, buttons.stop, buttons.goLive, buttons.takeOffLive, h('span', { class: 'spacer' }), buttons.delete, cancel),
    details,
  );
  return {
    element,
    update(next) {
      record = next;
      sync();
    },
  };
}
