/**
 * The Chime connector: what it broadcasts, where to (the stream's channel, or its IVS channel),
 * its state and its source; start it with a meeting URL, or stop it.
 */
import { h, replace } from '../dom';
import { alertBox, clearErrors, inputField, showErrors } from '../form';
import { connectorStopAction, streamButtons } from '../stream-rules';
import type { StreamRecord } from '../types';
import { streamPath, type SectionContext, type StreamSection } from './stream-section';

const SOURCES: Record<string, string> = {
  page: 'the meeting page',
  test_pattern: 'a test pattern (the meeting page could not be opened)',
};

export function connectorSection(ctx: SectionContext): StreamSection {
  const url = inputField('Chime meeting URL', 'chime_url', { type: 'url', autocomplete: 'off', placeholder: 'https://…' });
  const alert = alertBox();
  const state = h('div', { class: 'status' });
  const startChime = h('button', { type: 'button', disabled: true }, 'Start Chime connector');
  const startIvs = h('button', { type: 'button', disabled: true }, 'Start IVS connector');
  const stop = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop connector');
  let busy = false;
  let record: StreamRecord | undefined;

  const sync = () => {
    const allowed = record === undefined ? undefined : streamButtons(record);
    startChime.disabled = busy || allowed?.startChime !== true;
    startIvs.disabled = busy || allowed?.startIvs !== true;
    stop.disabled = busy || allowed?.stopConnector !== true;
  };
  const act = (action: string, body?: unknown) => {
    busy = true;
    sync();
    clearErrors([url], alert);
    ctx.api
      .request('POST', streamPath(ctx.streamId, `/${action}`), { ...(body === undefined ? {} : { body }), idempotencyKey: crypto.randomUUID() })
      .catch((err: unknown) => showErrors([url], alert, err))
      .finally(() => {
        busy = false;
        sync();
        ctx.refresh();
      });
  };
  startChime.addEventListener('click', () => act('chime_start', { chime_url: url.control.value.trim() }));
  startIvs.addEventListener('click', () => act('ivs_start', { chime_url: url.control.value.trim() }));
  stop.addEventListener('click', () => {
    const action = record === undefined ? undefined : connectorStopAction(record);
    if (action !== undefined) act(action);
  });

  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'connector-heading' },
    h('h2', { id: 'connector-heading' }, 'Connector'),
    state,
    alert,
    url.element,
    h('div', { class: 'actions' }, startChime, startIvs, stop),
  );
  return {
    element,
    update(next) {
      record = next;
      sync();
      replace(state, ...describe(next));
    },
  };
}

function describe(record: StreamRecord): (HTMLElement | string)[] {
  const connector = record.connector;
  const ivs = record.ivs_viewer_endpoint === null ? [] : [h('div', {}, 'IVS playback: ', h('code', {}, record.ivs_viewer_endpoint))];
  if (connector === null) return [h('div', {}, 'No connector.'), ...ivs];
  const target = connector.target === 'ivs' ? 'the IVS channel' : 'this stream';
  return [
    h('div', {}, `Chime → ${target}: `, h('strong', {}, connector.state)),
    h('div', {}, 'Meeting: ', h('code', {}, connector.chime_url)),
    h('div', {}, `Source: ${connector.source === undefined ? 'not known yet' : (SOURCES[connector.source] ?? connector.source)}`),
    ...ivs,
  ];
}
