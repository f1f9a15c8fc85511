/**
 * `#/streams/{id}`: one stream, refreshed every 2 s in place. Its parts (stream-*.ts) are drawn
 * once and updated with each record, so what the operator is typing or watching stays put.
 */
import { ApiError } from '../api-client';
import { badgeKey, stateBadges } from '../badges';
import { h, replace } from '../dom';
import { alertBox, setAlert } from '../form';
import { poll } from '../poll';
import { hrefOf } from '../routes';
import { formatDuration, formatTime } from '../time';
import type { StreamRecord } from '../types';
import type { Mount } from '../view';
import { actionsSection } from './stream-actions';
import { connectorSection } from './stream-connector';
import { executionsSection, recordingsSection } from './stream-history';
import { obsSection } from './stream-obs';
import { playersSection } from './stream-players';
import { schedulesSection } from './stream-schedules';
import { streamPath, type SectionContext, type StreamSection } from './stream-section';

export const mount: Mount<{ id: string }> = (root, params, ctx) => {
  const title = h('h1', {}, 'Stream');
  const badges = h('p', { class: 'badges' });
  const description = h('p', {});
  const facts = h('dl', { class: 'facts' });
  const lastError = alertBox();
  const loadError = alertBox();
  const gone = h('p', { hidden: true }, 'This stream no longer exists. ', h('a', { href: hrefOf({ view: 'streams' }) }, 'Back to the streams'));
  let stopPolling = () => undefined as void;

  const section: SectionContext = { api: ctx.api, streamId: params.id, refresh: () => void refresh() };
  const sections: StreamSection[] = [
    actionsSection(section),
    playersSection(),
    obsSection(),
    connectorSection(section),
    schedulesSection(section),
    recordingsSection(params.id),
    executionsSection(section),
  ];
  // What an operator acts on first (state, error, buttons, players), then the details.
  const [actions, players, ...rest] = sections.map((part) => part.element);
  const body = h('div', { hidden: true }, badges, description, lastError, actions, players, h('h2', {}, 'Details'), facts, ...rest);
  let shownBadges = '';

  const render = (record: StreamRecord) => {
    body.hidden = false;
    if (title.textContent !== record.name) title.textContent = record.name;
    document.title = `${record.name} — FrontMaster Live Stream`;
    if (badgeKey(record) !== shownBadges) {
      shownBadges = badgeKey(record);
      replace(badges, ...stateBadges(record));
    }
    description.textContent = record.description;
    description.hidden = record.description === '';
    showLastError(record);
    replace(facts, ...factsOf(record).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
    for (const part of sections) part.update(record);
  };

  let shownError = 'null';
  const showLastError = (record: StreamRecord) => {
    const error = record.last_error;
    if (JSON.stringify(error) === shownError) return;
    shownError = JSON.stringify(error);
    if (error === null) {
      setAlert(lastError);
      return;
    }
    setAlert(lastError, `Last error: ${error.action} failed at ${formatTime(error.at)}`, error.message);
    if (error.execution_id !== null) {
      lastError.appendChild(h('div', {}, h('a', { href: hrefOf({ view: 'execution', id: record.id, executionId: error.execution_id }) }, 'Open the failed execution')));
    }
  };

  const refresh = async () => {
    try {
      render(await ctx.api.request<StreamRecord>('GET', streamPath(params.id)));
      setAlert(loadError);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        // Deleted (here or elsewhere): nothing more to show or poll.
        stopPolling();
        for (const part of sections) part.stop?.();
        body.hidden = true;
        gone.hidden = false;
        setAlert(loadError);
        return;
      }
      setAlert(loadError, 'Could not load the stream', err instanceof Error ? err.message : String(err));
    }
  };

  replace(root, title, loadError, gone, body);
  stopPolling = poll(refresh);
  return () => {
    stopPolling();
    for (const part of sections) part.stop?.();
    document.title = 'FrontMaster Live Stream';
  };
};

function factsOf(record: StreamRecord): [string, string][] {
  const connected = record.input_connected === null ? '—' : record.input_connected ? 'yes' : 'no';
  return [
    ['Encoder connected', connected],
    ['Last started', formatTime(record.last_started)],
    ['Last stopped', formatTime(record.last_stopped)],
    ['Stop reason', record.stop_reason ?? '—'],
    ['Segment length', formatDuration(record.segment_length)],
    ['Max session', record.max_session_seconds === 0 ? 'no limit' : formatDuration(record.max_session_seconds)],
    ['Idle stop', record.idle_stop_seconds === 0 ? 'never' : formatDuration(record.idle_stop_seconds)],
    ['Viewer URL', record.viewer_endpoint === '' ? '—' : record.viewer_endpoint],
  ];
}
