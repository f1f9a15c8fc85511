import { CONNECTOR_ACTIONS, type ConnectorAction } from './connector';
import { eventId, streamEvent, type EventKind, type StreamEvent } from './events';
import { sessionLimits } from './guards';
import type { LastError, StreamItem, StreamState } from './record';
import { redact } from './redact';
import type { Schedule } from './schedule';

/**
 * The events one write of a stream item makes: what changed between the item before and after it
 * (DynamoDB Streams' OldImage and NewImage; `undefined` for none). Pure, so a redelivered change
 * makes the same events with the same ids, and a write that changed nothing a receiver cares about
 * (a tracked execution, a claim) makes none. `removedAt`: when a delete happened (a removed item has
 * no `last_update` of its own).
 *
 * Every `data` is built from named fields (never the item spread), then passed through `redact`:
 * the stream keys in `rtmp1`/`rtmp2`/`rtmp_ivs` are never read, and a key that slipped into an
 * error message is masked.
 */
export function streamEvents(before: StreamItem | undefined, after: StreamItem | undefined, removedAt: Date): StreamEvent[] {
  const item = after ?? before;
  if (!item) return [];
  const at = after?.last_update ? new Date(Number(after.last_update) * 1000) : removedAt;
  // A delete doesn't bump the version: its events take the last version the item had.
  const version = item.version;
  const make = <K extends EventKind>(kind: K, data: Parameters<typeof streamEvent<K>>[0]['data'], ...idParts: (string | number)[]) =>
    streamEvent({ id: eventId(item.id, version, kind, ...idParts), kind, streamId: item.id, at, data: redact(data) });

  if (!after) return before ? [make('stream.deleted', { previous_state: before.state })] : [];
  return [
    ...stateEvents(before, after, make),
    ...liveEvents(before, after, make),
    ...inputEvents(before, after, make),
    ...connectorEvents(before, after, make),
    ...scheduleEvents(before, after, make),
    ...guardEvents(before, after, make),
  ];
}

type Make = <K extends EventKind>(kind: K, data: Parameters<typeof streamEvent<K>>[0]['data'], ...idParts: (string | number)[]) => StreamEvent;

const STATE_KINDS: Record<Exclude<StreamState, 'creating'>, EventKind> = {
  idle: 'stream.idle',
  starting: 'stream.starting',
  running: 'stream.running',
  stopping: 'stream.stopping',
  failed: 'stream.failed',
  deleting: 'stream.deleting',
};

/**
 * The state the stream entered. `creating` is no event of its own: a stream is `stream.created`
 * once it is provisioned (`creating` → `idle`); a create that fails is `stream.failed`.
 */
function stateEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  if (before?.state === after.state || after.state === 'creating') return [];
  const kind = after.state === 'idle' && (!before || before.state === 'creating') ? 'stream.created' : STATE_KINDS[after.state];
  return [
    make(kind, {
      state: after.state,
      previous_state: before?.state ?? null,
      session_id: after.current_session_id,
      stop_reason: after.stop_reason,
      last_error: after.last_error,
    }),
  ];
}

function liveEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  if ((before?.live ?? false) === after.live) return [];
  return [make(after.live ? 'stream.live' : 'stream.unlive', { live: after.live, live_endpoint: after.live_endpoint })];
}

/** The encoder came or went: `true` is connected, anything else (false, or null once stopped) is not. */
function inputEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  const was = before?.input_connected === true;
  const is = after.input_connected === true;
  if (was === is) return [];
  return [make(is ? 'stream.input_connected' : 'stream.input_disconnected', { input_connected: after.input_connected, session_id: after.current_session_id })];
}

function isConnectorAction(action: string): action is ConnectorAction {
  return Object.hasOwn(CONNECTOR_ACTIONS, action);
}

/** The write recorded a failure it did not have before. */
function newError(before: StreamItem | undefined, after: StreamItem): LastError | undefined {
  const error = after.last_error;
  if (!error) return undefined;
  return JSON.stringify(before?.last_error ?? null) === JSON.stringify(error) ? undefined : error;
}

/**
 * A connector is one claim (`connector_execution`): it runs once its state becomes `running`, it is
 * gone when the slot is freed or taken by another claim, and it failed when the write that freed it
 * (or any write) recorded a connector action's error (`record-connector-failure`, `connector-exited`).
 */
function connectorEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  const old = before?.connector ?? null;
  const now = after.connector;
  const same = old !== null && now !== null && (before?.connector_execution ?? null) === (after.connector_execution ?? null);
  // The claim's connector is no longer there: the slot was freed, or taken by another claim.
  const gone = old !== null && !same;
  const events: StreamEvent[] = [];
  const error = newError(before, after);
  if (error && isConnectorAction(error.action)) {
    const subject = old ?? now;
    events.push(
      make('connector.failed', {
        target: subject?.target ?? CONNECTOR_ACTIONS[error.action].target,
        state: gone ? null : (now?.state ?? null),
        task_id: subject?.task_id ?? null,
        last_error: error,
      }),
    );
  } else if (gone) {
    events.push(make('connector.stopped', { target: old.target, state: null, task_id: old.task_id, last_error: null }));
  }
  if (now?.state === 'running' && !(same && old.state === 'running')) {
    events.push(make('connector.running', { target: now.target, state: now.state, task_id: now.task_id, last_error: null }));
  }
  return events;
}

const SCHEDULE_KINDS: Partial<Record<Schedule['state'], EventKind>> = { fired: 'schedule.fired', skipped: 'schedule.skipped' };

/** Each schedule whose state became `fired` or `skipped` in this write (several may, in one). */
function scheduleEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  return Object.values(after.schedules).flatMap((schedule) => {
    const kind = SCHEDULE_KINDS[schedule.state];
    if (!kind || before?.schedules[schedule.schedule_id]?.state === schedule.state) return [];
    const data = {
      schedule_id: schedule.schedule_id,
      action: schedule.action,
      at: schedule.at,
      state: schedule.state,
      execution_id: schedule.execution_id ?? null,
      error: schedule.error ?? null,
    };
    return [make(kind, data, schedule.schedule_id)];
  });
}

/** A session a guard ended: the stream is `idle` with a guard's `stop_reason`, for a session not reported yet. */
function guardStop(item: StreamItem | undefined): string | undefined {
  if (item?.state !== 'idle' || (item.stop_reason !== 'max_session' && item.stop_reason !== 'idle')) return undefined;
  return `${item.current_session_id}:${item.stop_reason}`;
}

function guardEvents(before: StreamItem | undefined, after: StreamItem, make: Make): StreamEvent[] {
  const stop = guardStop(after);
  if (!stop || stop === guardStop(before)) return [];
  return [
    make('guard.stopped', {
      stop_reason: after.stop_reason as 'max_session' | 'idle',
      session_id: after.current_session_id,
      // The limits that ended this session (a start's own), not the record's.
      ...sessionLimits(after),
    }),
  ];
}
