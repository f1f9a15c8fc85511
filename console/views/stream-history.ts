/**
 * What the stream has done: its recordings (one per session of `archives_path`, each a link to
 * the recording view) and its workflow executions (each a link to its timeline).
 */
import { h, replace } from '../dom';
import { alertBox, setAlert } from '../form';
import { hrefOf } from '../routes';
import { formatTime } from '../time';
import type { ExecutionSummary, StreamRecord } from '../types';
import { streamPath, type SectionContext, type StreamSection } from './stream-section';

export function recordingsSection(streamId: string): StreamSection {
  const list = h('ul', { class: 'links' });
  const empty = h('p', {}, 'No recordings yet: each start records a session.');
  let shown = '';
  return {
    element: h('section', { 'aria-labelledby': 'recordings-heading' }, h('h2', { id: 'recordings-heading' }, 'Recordings'), empty, list),
    update(record: StreamRecord) {
      const key = JSON.stringify([record.archives_path, record.current_session_id, record.state]);
      if (key === shown) return;
      shown = key;
      const sessions = Object.entries(record.archives_path);
      empty.hidden = sessions.length > 0;
      replace(
        list,
        ...sessions.map(([session, path]) => {
          const current = session === record.current_session_id && record.started ? ' (recording now)' : '';
          return h(
            'li',
            {},
            h('a', { href: hrefOf({ view: 'recording', id: streamId, sessionId: session }) }, `Recording ${session.slice(0, 8)}…`),
            current,
            ' ',
            h('code', { class: 'hint' }, path),
          );
        }),
      );
    },
  };
}

export function executionsSection(ctx: SectionContext): StreamSection {
  const list = h('ul', { class: 'links' });
  const empty = h('p', {}, 'No executions yet.');
  const alert = alertBox();
  let version: number | undefined;
  let running = false;
  let shown = '';

  const load = async () => {
    try {
      const executions = await ctx.api.request<ExecutionSummary[]>('GET', streamPath(ctx.streamId, '/executions'));
      setAlert(alert);
      running = executions.some((execution) => execution.status === 'RUNNING');
      const key = JSON.stringify(executions);
      if (key === shown) return;
      shown = key;
      empty.hidden = executions.length > 0;
      replace(list, ...executions.map((execution) => item(ctx.streamId, execution)));
    } catch (err) {
      setAlert(alert, 'Could not load the executions', err instanceof Error ? err.message : String(err));
    }
  };
  return {
    element: h('section', { 'aria-labelledby': 'executions-heading' }, h('h2', { id: 'executions-heading' }, 'Executions'), alert, empty, list),
    update(record) {
      // A new execution writes the record; one that runs moves through its states without doing so.
      if (record.version === version && !running) return;
      version = record.version;
      void load();
    },
  };
}

function item(streamId: string, execution: ExecutionSummary): HTMLElement {
  const step = execution.status === 'RUNNING' && execution.current_state !== null ? ` — in ${execution.current_state}` : '';
  return h(
    'li',
    {},
    h('a', { href: hrefOf({ view: 'execution', id: streamId, executionId: execution.execution_id }) }, `${execution.action} ${execution.status.toLowerCase()}${step}`),
    ' ',
    h('span', { class: 'hint' }, formatTime(execution.started_at)),
    execution.error === null ? null : h('span', { class: 'field-error' }, ` ${execution.error.error}`),
  );
}
