import { describe, expect, it } from '@jest/globals';
import { EVENT_DATA_SCHEMAS, EVENT_KINDS, StreamEventSchema, type EventKind, type StreamEvent } from '../../../core/domain/events';
import { newSessionGuards } from '../../../core/domain/guards';
import { newStreamItem, type StreamItem } from '../../../core/domain/record';
import { streamEvents } from '../../../core/domain/stream-events';

const ID = '0123456789abcdef0123456789abcdef';
const REMOVED_AT = new Date('2026-12-02T06:00:00Z');
const RTMP_KEY = 'Xk3pL9secretKey1';
const IVS_KEY = 'sk_us-east-1_SECRETivsKEY42';

/** A provisioned stream with keys in every field that carries one (rtmp1/rtmp2/rtmp_ivs, redact.ts). */
function provisioned(patch: Partial<StreamItem> = {}): StreamItem {
  return {
    ...newStreamItem({ id: ID, name: 'workshop', now: '1764655200' }),
    state: 'idle',
    rtmp1: `rtmp://127.0.0.1:1935/live/${RTMP_KEY}-1`,
    rtmp2: `rtmp://127.0.0.1:1935/live/${RTMP_KEY}-2`,
    rtmp_ivs: `rtmps://ingest.example.com:443/app/${IVS_KEY}`,
    live_channel_id: '4242',
    version: 3,
    ...patch,
  };
}

/** `after` as the store writes it: the version bumped, last_update set. */
function write(before: StreamItem, patch: Partial<StreamItem>, at = '1764655260'): StreamItem {
  return { ...before, ...patch, version: before.version + 1, last_update: at };
}

const kinds = (events: StreamEvent[]) => events.map((e) => e.kind);

describe('streamEvents: what one write of a stream item publishes', () => {
  it('a new record in creating is no event; creating → idle is stream.created; creating → failed is stream.failed', () => {
    // Prepare
    const creating = newStreamItem({ id: ID, name: 'workshop', now: '1764655200' });
    const failure = { action: 'create', message: 'boom', at: '1764655260', execution_id: 'arn:x' };
    // Act / Assess
    expect(streamEvents(undefined, creating, REMOVED_AT)).toEqual([]);
    const created = streamEvents(creating, write(creating, { state: 'idle' }), REMOVED_AT);
    expect(kinds(created)).toEqual(['stream.created']);
    expect(created[0]).toEqual({
      id: `${ID}:v2:stream.created`,
      kind: 'stream.created',
      version: 1,
      stream_id: ID,
      at: '2025-12-02T06:01:00.000Z',
      data: { state: 'idle', previous_state: 'creating', session_id: null, stop_reason: null, last_error: null },
    });
    const failed = streamEvents(creating, write(creating, { state: 'failed', last_error: failure }), REMOVED_AT);
    expect(kinds(failed)).toEqual(['stream.failed']);
    expect(failed[0].data).toMatchObject({ state: 'failed', previous_state: 'creating', last_error: failure });
  });

  it('each later state the stream enters is its own kind, with the session and the stop reason', () => {
    // Prepare
    const path: [StreamItem['state'], EventKind][] = [
      ['starting', 'stream.starting'],
      ['running', 'stream.running'],
      ['stopping', 'stream.stopping'],
      ['idle', 'stream.idle'],
      ['deleting', 'stream.deleting'],
      ['failed', 'stream.failed'],
    ];
    let item = provisioned({ current_session_id: 'a'.repeat(32) });
    for (const [state, kind] of path) {
      // Act
      const next = write(item, { state, stop_reason: state === 'idle' ? 'operator' : null });
      const events = streamEvents(item, next, REMOVED_AT);
      // Assess
      expect(kinds(events)).toEqual([kind]);
      expect(events[0].data).toMatchObject({ state, previous_state: item.state, session_id: 'a'.repeat(32), stop_reason: next.stop_reason });
      item = next;
    }
  });

  it('a write that changes nothing a receiver reads (a tracked execution, a claim) is no event', () => {
    const item = provisioned({ state: 'running' });
    expect(streamEvents(item, write(item, { execution_arns: ['arn:aws:states:x'], claimed_by: 'start-x' }), REMOVED_AT)).toEqual([]);
  });

  it('a removed record is stream.deleted, at the removal time, under the last version it had', () => {
    const item = provisioned({ state: 'deleting', version: 9 });
    expect(streamEvents(item, undefined, REMOVED_AT)).toEqual([
      { id: `${ID}:v9:stream.deleted`, kind: 'stream.deleted', version: 1, stream_id: ID, at: REMOVED_AT.toISOString(), data: { previous_state: 'deleting' } },
    ]);
  });

  it('live and unlive, with the viewer URL', () => {
    const item = provisioned({ state: 'running' });
    const live = write(item, { live: true, live_endpoint: 'https://live.example.com/x/index.m3u8' });
    expect(streamEvents(item, live, REMOVED_AT).map((e) => [e.kind, e.data])).toEqual([
      ['stream.live', { live: true, live_endpoint: 'https://live.example.com/x/index.m3u8' }],
    ]);
    expect(kinds(streamEvents(live, write(live, { live: false, live_endpoint: null }), REMOVED_AT))).toEqual(['stream.unlive']);
  });

  it('the encoder connecting and going away (to false, or to null once stopped); null → false is not a disconnect', () => {
    const item = provisioned({ state: 'running', input_connected: false });
    const connected = write(item, { input_connected: true });
    expect(kinds(streamEvents(item, connected, REMOVED_AT))).toEqual(['stream.input_connected']);
    expect(kinds(streamEvents(connected, write(connected, { input_connected: false }), REMOVED_AT))).toEqual(['stream.input_disconnected']);
    const stopped = write(connected, { state: 'stopping', input_connected: null });
    expect(kinds(streamEvents(connected, stopped, REMOVED_AT))).toEqual(['stream.stopping', 'stream.input_disconnected']);
    const fresh = provisioned({ state: 'running', input_connected: null });
    expect(streamEvents(fresh, write(fresh, { input_connected: false }), REMOVED_AT)).toEqual([]);
  });

  it('a connector running, stopped (its slot freed), and failed (a connector action\'s error recorded)', () => {
    // Prepare
    const starting = provisioned({
      state: 'running',
      connector: { target: 'ivs', state: 'starting', chime_url: 'https://app.chime.aws/meetings/123?broadcast=true', task_id: 't-1', started_at: '1764655200' },
      connector_execution: 'ivs_start-x',
    });
    const running = write(starting, { connector: { ...starting.connector!, state: 'running' } });
    const stopped = write(running, { connector: null, connector_execution: null });
    const error = { action: 'ivs_start', message: 'connector stopped unexpectedly: exit code 1', at: '1764655300', execution_id: null };
    const died = write(running, { connector: null, connector_execution: null, last_error: error });
    // Act / Assess
    expect(streamEvents(starting, running, REMOVED_AT).map((e) => [e.kind, e.data])).toEqual([
      ['connector.running', { target: 'ivs', state: 'running', task_id: 't-1', last_error: null }],
    ]);
    expect(streamEvents(running, stopped, REMOVED_AT).map((e) => [e.kind, e.data])).toEqual([
      ['connector.stopped', { target: 'ivs', state: null, task_id: 't-1', last_error: null }],
    ]);
    expect(streamEvents(running, died, REMOVED_AT).map((e) => [e.kind, e.data])).toEqual([
      ['connector.failed', { target: 'ivs', state: null, task_id: 't-1', last_error: error }],
    ]);
    // The same connector running again (a write to other fields) is no new event; the meeting URL is never in one.
    expect(streamEvents(running, write(running, { description: 'x' }), REMOVED_AT)).toEqual([]);
    expect(JSON.stringify([streamEvents(starting, running, REMOVED_AT), streamEvents(running, died, REMOVED_AT)])).not.toContain('chime.aws');
  });

  it('a connector start that failed before it had a slot is connector.failed for the action\'s target; a stream error is not', () => {
    const item = provisioned({ state: 'running' });
    const error = { action: 'chime_start', message: 'no meeting', at: '1764655300', execution_id: 'arn:x' };
    expect(streamEvents(item, write(item, { last_error: error }), REMOVED_AT).map((e) => [e.kind, e.data])).toEqual([
      ['connector.failed', { target: 'medialive', state: null, task_id: null, last_error: error }],
    ]);
    const archive = { action: 'archive', message: 'cannot write', at: '1764655300', execution_id: null };
    expect(streamEvents(item, write(item, { last_error: archive }), REMOVED_AT)).toEqual([]);
  });

  it('each schedule that fired or was skipped in the write, once, with its own id', () => {
    // Prepare
    const at = '2026-12-02T07:00:00Z';
    const scheduled = provisioned({
      schedules: {
        s1: { schedule_id: 's1', action: 'start', at, state: 'scheduled' },
        s2: { schedule_id: 's2', action: 'stop', at, state: 'scheduled' },
      },
    });
    const after = write(scheduled, {
      schedules: {
        s1: { schedule_id: 's1', action: 'start', at, state: 'fired', execution_id: 'arn:exec' },
        s2: { schedule_id: 's2', action: 'stop', at, state: 'skipped', error: 'stream is not running' },
      },
    });
    // Act
    const events = streamEvents(scheduled, after, REMOVED_AT);
    // Assess
    expect(events.map((e) => [e.id, e.data])).toEqual([
      [`${ID}:v4:schedule.fired:s1`, { schedule_id: 's1', action: 'start', at, state: 'fired', execution_id: 'arn:exec', error: null }],
      [`${ID}:v4:schedule.skipped:s2`, { schedule_id: 's2', action: 'stop', at, state: 'skipped', execution_id: null, error: 'stream is not running' }],
    ]);
    expect(streamEvents(after, write(after, { description: 'x' }), REMOVED_AT)).toEqual([]);
  });

  it('a session a guard ended is guard.stopped once, beside stream.idle; an operator\'s stop is not', () => {
    // Prepare
    const stopping = provisioned({ state: 'stopping', current_session_id: 'b'.repeat(32), stop_reason: 'idle', idle_stop_seconds: 60 });
    const idle = write(stopping, { state: 'idle' });
    // Act / Assess
    const events = streamEvents(stopping, idle, REMOVED_AT);
    expect(kinds(events)).toEqual(['stream.idle', 'guard.stopped']);
    expect(events[1].data).toEqual({ stop_reason: 'idle', session_id: 'b'.repeat(32), max_session_seconds: 21600, idle_stop_seconds: 60 });
    expect(streamEvents(idle, write(idle, { description: 'x' }), REMOVED_AT)).toEqual([]);
    // A guard reason recorded after the stream is already idle still reports the session
    const operatorIdle = provisioned({ state: 'idle', current_session_id: 'c'.repeat(32), stop_reason: null });
    expect(kinds(streamEvents(operatorIdle, write(operatorIdle, { stop_reason: 'max_session' }), REMOVED_AT))).toEqual(['guard.stopped']);
    expect(kinds(streamEvents(stopping, write(stopping, { state: 'idle', stop_reason: 'operator' }), REMOVED_AT))).toEqual(['stream.idle']);
  });

  it('guard.stopped reports the limits the session ran under (a start\'s own), not the record\'s', () => {
    const session = 'd'.repeat(32);
    const stopping = provisioned({
      state: 'stopping',
      current_session_id: session,
      stop_reason: 'max_session',
      guards: newSessionGuards(session, { max_session_seconds: 120, idle_stop_seconds: 0 }),
    });
    const [, stopped] = streamEvents(stopping, write(stopping, { state: 'idle' }), REMOVED_AT);
    expect(stopped.data).toEqual({ stop_reason: 'max_session', session_id: session, max_session_seconds: 120, idle_stop_seconds: 0 });
  });

  it('makes the same events with the same ids for the same change (a redelivered record), and distinct ids across kinds', () => {
    const before = provisioned({ state: 'starting' });
    const after = write(before, { state: 'running', live: true, live_endpoint: 'https://l/x' });
    const once = streamEvents(structuredClone(before), structuredClone(after), REMOVED_AT);
    expect(streamEvents(before, after, new Date())).toEqual(once);
    expect(new Set(once.map((e) => e.id)).size).toBe(once.length);
    expect(kinds(once)).toEqual(['stream.running', 'stream.live']);
  });

  it('never carries a stream key: not the rtmp URLs, not the IVS key, not one quoted in an error message', () => {
    // Prepare: every kind the stream item can make, from items full of keys
    const leaky = { action: 'ivs_start', message: `push to rtmps://ingest.example.com:443/app/${IVS_KEY} refused; rtmp://127.0.0.1:1935/live/${RTMP_KEY}-1`, at: '1764655300', execution_id: null };
    const base = provisioned({ state: 'running', input_connected: false, connector: { target: 'ivs', state: 'running', chime_url: 'https://c/m', task_id: 't', started_at: '1' }, connector_execution: 'e' });
    const changes: [StreamItem | undefined, StreamItem | undefined][] = [
      [base, write(base, { state: 'failed', last_error: leaky, live: true, live_endpoint: 'https://l/x', input_connected: true, connector: null, connector_execution: null })],
      [base, write(base, { state: 'idle', stop_reason: 'max_session' })],
      [base, undefined],
    ];
    // Act
    const events = changes.flatMap(([before, after]) => streamEvents(before, after, REMOVED_AT));
    // Assess
    expect(new Set(kinds(events)).size).toBeGreaterThanOrEqual(7);
    const json = JSON.stringify(events);
    expect(json).not.toContain(RTMP_KEY);
    expect(json).not.toContain('SECRETivsKEY42');
    for (const event of events) {
      StreamEventSchema.parse(event);
      EVENT_DATA_SCHEMAS[event.kind].parse(event.data);
    }
  });

  it('every data schema is the schema of some kind (no kind without one)', () => {
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...EVENT_KINDS].sort());
  });
});
