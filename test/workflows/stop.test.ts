import { describe, expect, it } from '@jest/globals';
import { STOP_STATES, stopWorkflow } from '../../workflows/stop';
import { EXECUTION_NAME, expiredPoll, failing, failingThen, runWorkflow, statuses } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';
const claimed = { stream_id: STREAM, state: 'stopping', channel_id: 'ch-1', input_id: 'in-1', package_channel_id: 'pc', endpoint_id: 'ep', segment_length: 300, version: 3, stop_reason: 'operator' };

function happyHandlers() {
  return {
    [STOP_STATES.claim]: () => claimed,
    [STOP_STATES.stopConnector]: () => ({ task_id: null }),
    [STOP_STATES.stopChannel]: () => ({ requested: true }),
    [STOP_STATES.describe]: statuses('STOPPING', 'STOPPING', 'IDLE'),
    [STOP_STATES.cancelGuards]: () => ({ cancelled: true }),
    [STOP_STATES.recordStopped]: () => ({ stream_id: STREAM, state: 'idle' }),
    [STOP_STATES.recordFailure]: () => ({}),
  };
}

describe('stop workflow', () => {
  it('claims under its execution name, stops the channel, waits for IDLE, records idle with last_stopped', async () => {
    // Prepare
    const handlers = happyHandlers();

    // Act
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, handlers);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[STOP_STATES.claim][0]).toMatchObject({ stream_id: STREAM, action: 'stop', execution_name: EXECUTION_NAME });
    expect(run.calls[STOP_STATES.stopConnector][0]).toEqual({ stream_id: STREAM, target: 'medialive', reason: 'the stream was stopped' });
    expect(run.calls[STOP_STATES.stopChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.entered.filter((s) => s === STOP_STATES.describe)).toHaveLength(3);
    expect(run.entered.filter((s) => s === STOP_STATES.poll.wait)).toHaveLength(2);
    expect(run.calls[STOP_STATES.recordStopped][0]).toEqual({
      stream_id: STREAM,
      state: 'idle',
      stamp: ['last_stopped'],
      execution_name: EXECUTION_NAME,
      stop_reason: 'operator',
    });
    expect(run.entered).not.toContain(STOP_STATES.recordFailure);
  });

  it('retries a throttled or conflicting StopChannel, then carries on', async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, {
      ...happyHandlers(),
      [STOP_STATES.stopChannel]: failingThen(2, 'Conflict', { requested: true }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[STOP_STATES.stopChannel]).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
  });

  it('changes nothing and says why when the stream is not starting or running', async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, {
      ...happyHandlers(),
      [STOP_STATES.claim]: failing('StreamStateConflict', "cannot stop a stream in state 'idle'"),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: "cannot stop a stream in state 'idle'" });
    expect(run.entered).not.toContain(STOP_STATES.stopChannel);
    expect(run.entered).not.toContain(STOP_STATES.recordFailure);
  });

  it('records last_error and fails when StopChannel fails for good', async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, {
      ...happyHandlers(),
      [STOP_STATES.stopChannel]: failing('Invalid', 'stopping MediaLive channel: BadRequestException'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.calls[STOP_STATES.recordFailure][0]).toMatchObject({
      stream_id: STREAM,
      action: 'stop',
      state: 'failed',
      failure: { Error: 'Invalid', Cause: 'stopping MediaLive channel: BadRequestException' },
    });
    expect(run.entered).toContain(STOP_STATES.failed);
  });

  it('gives up at the deadline, naming what it waited for', async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, {
      ...happyHandlers(),
      [STOP_STATES.describe]: expiredPoll('STOPPING'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(STOP_STATES.poll.timedOut);
    const recorded = run.calls[STOP_STATES.recordFailure][0] as { failure: { Cause: string } };
    expect(recorded.failure.Cause).toBe('timed out after 600 s waiting for channel IDLE; last status STOPPING');
  });

  it("cancels the session's guards once the channel is IDLE and records the claim's stop reason", async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM, reason: 'max_session', session_id: 'a'.repeat(32) }, {
      ...happyHandlers(),
      [STOP_STATES.claim]: () => ({ ...claimed, stop_reason: 'max_session' }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[STOP_STATES.claim][0]).toMatchObject({ execution_input: { reason: 'max_session' } });
    expect(run.calls[STOP_STATES.cancelGuards][0]).toEqual({ stream_id: STREAM });
    const order = run.entered.filter((s) => s === STOP_STATES.cancelGuards || s === STOP_STATES.recordStopped);
    expect(order).toEqual([STOP_STATES.cancelGuards, STOP_STATES.recordStopped]);
    expect(run.calls[STOP_STATES.recordStopped][0]).toMatchObject({ stop_reason: 'max_session' });
  });

  it('records the stop even when cancelling the guards fails: a stale guard changes nothing', async () => {
    const run = await runWorkflow(stopWorkflow, { stream_id: STREAM }, {
      ...happyHandlers(),
      [STOP_STATES.cancelGuards]: failing('Invalid', 'deleting schedule: AccessDenied'),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[STOP_STATES.recordStopped]).toHaveLength(1);
    expect(run.entered).not.toContain(STOP_STATES.recordFailure);
  });
});
