import { describe, expect, it } from '@jest/globals';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { run as claimStream } from '../../../tasks/claim-stream';
import { run as recordFailure } from '../../../tasks/record-failure';
import { run as recordOutcome } from '../../../tasks/record-outcome';
import { useStreamStore } from '../../fixtures/stream-store';

// These tasks are thin over the store, so they are tested against the real store on dynalite.
const store = useStreamStore();
const now = () => new Date('2026-03-01T12:00:00Z');

async function idleStream() {
  const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
  return store().create({ ...item, state: 'idle', live_channel_id: 'ch-1', live_input_id: 'in-1', rtmp1: 'rtmp://h:1/a/SECRET' });
}

describe('claim-stream', () => {
  it('claims an unclaimed stream (a scheduled start), tracks the execution and returns no keys', async () => {
    const stream = await idleStream();

    const out = await claimStream({ stream_id: stream.id, action: 'start', execution_name: 'start-x-v2', execution_id: 'arn:exec:1' }, { store: store() });

    const stored = await store().get(stream.id);
    expect(stored).toMatchObject({ state: 'starting', started: true, claimed_by: 'start-x-v2', execution_arns: ['arn:exec:1'] });
    expect(out).toMatchObject({ stream_id: stream.id, channel_id: 'ch-1', input_id: 'in-1', state: 'starting' });
    expect(JSON.stringify(out)).not.toContain('SECRET');
  });

  it('is a no-op claim for the execution the API already claimed for', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x-v2');

    const out = await claimStream({ stream_id: stream.id, action: 'start', execution_name: 'start-x-v2', execution_id: 'arn:exec:2' }, { store: store() });

    expect(out.state).toBe('starting');
  });

  it('refuses a second starter with the state in the message', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-by-api');

    await expect(
      claimStream({ stream_id: stream.id, action: 'start', execution_name: 'start-by-schedule', execution_id: 'arn:exec:3' }, { store: store() }),
    ).rejects.toThrow("cannot start a stream in state 'starting'");
  });
});

describe('record-outcome', () => {
  it('puts the stream at rest, stamps times and releases the claim', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x');

    await recordOutcome({ stream_id: stream.id, state: 'running', stamp: ['last_started'], execution_name: 'start-x' }, { store: store(), now });

    expect(await store().get(stream.id)).toMatchObject({ state: 'running', started: true, claimed_by: null, last_started: '1772366400' });
  });

  it('writes nothing over a stream another execution claimed meanwhile (a delete during a start)', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x');
    await store().claim(stream.id, 'delete', 'delete-y');

    const out = await recordOutcome({ stream_id: stream.id, state: 'running', stamp: ['last_started'], execution_name: 'start-x' }, { store: store(), now });

    expect(out).toMatchObject({ recorded: false, state: 'deleting' });
    expect(await store().get(stream.id)).toMatchObject({ state: 'deleting', claimed_by: 'delete-y', last_started: null });
  });
});

describe('record-failure', () => {
  it('records a redacted last_error from a Lambda cause and moves the stream to failed', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x');
    const cause = JSON.stringify({ errorType: 'Invalid', errorMessage: 'bad url rtmp://h:1/live1/SECRET', trace: ['at x'] });

    const out = await recordFailure(
      { stream_id: stream.id, action: 'start', execution_id: 'arn:exec:9', execution_name: 'start-x', failure: { Error: 'Invalid', Cause: cause }, state: 'failed' },
      { store: store(), now },
    );

    const stored = await store().get(stream.id);
    expect(stored?.state).toBe('failed');
    expect(stored?.last_error).toEqual({ action: 'start', message: 'Invalid: bad url rtmp://h:1/live1/***', at: '1772366400', execution_id: 'arn:exec:9' });
    expect(out.message).not.toContain('SECRET');
  });

  it('keeps a plain-text cause and needs nothing for a stream deleted meanwhile', async () => {
    const out = await recordFailure(
      { stream_id: newHexId(), action: 'stop', execution_id: 'e', execution_name: 'stop-x', failure: { Error: 'Timeout', Cause: 'timed out after 600 s waiting for channel IDLE' } },
      { store: store(), now },
    );
    expect(out.message).toBe('Timeout: timed out after 600 s waiting for channel IDLE');
  });
});

describe('claim-stream for a schedule', () => {
  async function withSchedule(state: 'idle' | 'running') {
    const stream = await idleStream();
    return store().update(stream.id, stream.version, {
      state,
      schedules: { s1: { schedule_id: 's1', action: 'start', at: '2026-06-01T10:00:00Z', state: 'scheduled' } },
    });
  }

  it('marks the schedule fired with the execution', async () => {
    const stream = await withSchedule('idle');

    await claimStream(
      { stream_id: stream.id, action: 'start', execution_name: 'rnd', execution_id: 'arn:exec:s', execution_input: { stream_id: stream.id, schedule_id: 's1' } },
      { store: store() },
    );

    expect((await store().mustGet(stream.id)).schedules.s1).toMatchObject({ state: 'fired', execution_id: 'arn:exec:s' });
  });

  it('marks the schedule skipped with the reason and changes nothing else when the state forbids it', async () => {
    const stream = await withSchedule('running');

    await expect(
      claimStream(
        { stream_id: stream.id, action: 'start', execution_name: 'rnd', execution_id: 'arn:exec:t', execution_input: { stream_id: stream.id, schedule_id: 's1' } },
        { store: store() },
      ),
    ).rejects.toThrow("state 'running'");

    const stored = await store().mustGet(stream.id);
    expect(stored.schedules.s1).toMatchObject({ state: 'skipped', error: expect.stringContaining("cannot start a stream in state 'running'") });
    expect(stored.state).toBe('running');
    expect(stored.execution_arns).toEqual([]);
  });
});

describe('record-failure and the claim', () => {
  it('releases the claim only for the execution that holds it', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x-v2');

    // A live that fails beside the start must leave the start's claim alone.
    await recordFailure(
      { stream_id: stream.id, action: 'live', execution_id: 'arn:live', execution_name: 'live-x-v3', failure: { Error: 'Invalid' } },
      { store: store(), now },
    );
    expect((await store().mustGet(stream.id)).claimed_by).toBe('start-x-v2');

    await recordFailure(
      { stream_id: stream.id, action: 'start', execution_id: 'arn:start', execution_name: 'start-x-v2', failure: { Error: 'Invalid' }, state: 'failed' },
      { store: store(), now },
    );
    expect(await store().mustGet(stream.id)).toMatchObject({ claimed_by: null, state: 'failed' });
  });

  it('records last_error but leaves the state of a stream another execution claimed meanwhile (a delete during a start)', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'start', 'start-x-v2');
    await store().claim(stream.id, 'delete', 'delete-y-v3');

    await recordFailure(
      { stream_id: stream.id, action: 'start', execution_id: 'arn:start', execution_name: 'start-x-v2', failure: { Error: 'Invalid' }, state: 'failed' },
      { store: store(), now },
    );

    expect(await store().mustGet(stream.id)).toMatchObject({ state: 'deleting', claimed_by: 'delete-y-v3', last_error: { action: 'start' } });
  });
});
