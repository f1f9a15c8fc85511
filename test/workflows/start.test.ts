import { describe, expect, it } from '@jest/globals';
import { START_STATES, startWorkflow } from '../../workflows/start';
import { z } from 'zod';
import { callOf, EXECUTION_NAME, expiredPoll, failing, failingThen, outputOf, runWorkflow, statuses, type StateHandler, type WorkflowRun } from './harness';
import { Input as BeginSessionInput } from '../../tasks/begin-session';

const STREAM = '0123456789abcdef0123456789abcdef';
const INPUT = { stream_id: STREAM, path: 's3://bucket/talks/', key_rotation_interval: 0 };
const claimed = {
  stream_id: STREAM,
  state: 'starting',
  channel_id: 'ch-1',
  input_id: 'in-1',
  package_channel_id: 'pc-1',
  endpoint_id: 'ep-1',
  segment_length: 300,
  version: 3,
};
const session = { session_id: 'a'.repeat(32), archive_path: 's3://bucket/talks/', startover_window_seconds: 3600, key_rotation_interval: 0 };

function happyHandlers(): Record<string, StateHandler> {
  return {
    [START_STATES.claim]: () => claimed,
    [START_STATES.beginSession]: () => session,
    [START_STATES.configureChannel]: () => ({ channel_id: 'ch-1', archive_path: session.archive_path, rollover_interval: 300 }),
    [START_STATES.configureEndpoint]: () => ({ endpoint_id: 'ep-1', startover_window_seconds: 3600, encryption: 'none', key_rotation_interval_seconds: null }),
    [START_STATES.startChannel]: () => ({ requested: true }),
    [START_STATES.describe]: statuses('STARTING', 'STARTING', 'RUNNING'),
    [START_STATES.armGuards]: () => ({ armed: ['max_session', 'idle'] }),
    [START_STATES.recordRunning]: () => ({ stream_id: STREAM, state: 'running' }),
    [START_STATES.recordNotStarted]: () => ({}),
    [START_STATES.cancelGuards]: () => ({ cancelled: true }),
    [START_STATES.stopChannel]: () => ({ requested: true }),
    [START_STATES.describeStopping]: statuses('STOPPING', 'IDLE'),
    [START_STATES.recordFailure]: () => ({}),
  };
}

/** The Error the execution failed with (what the console and `GET …/executions` show). */
function failedWith(run: { events: { type: string }[] }) {
  return (run.events.find((e) => e.type === 'ExecutionFailed') as { Error?: string } | undefined)?.Error;
}

/** What a record step received: the state it writes and, on a failure, the caught error. */
const RecordedSchema = z.object({ state: z.string(), failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional() });

function recorded(run: WorkflowRun, state: string) {
  return callOf(run, state, RecordedSchema);
}

describe('start workflow', () => {
  it('claims, opens the session, configures channel and endpoint, starts, waits for RUNNING, records running', async () => {
    // Prepare
    const handlers = happyHandlers();

    // Act
    const run = await runWorkflow(startWorkflow, INPUT, handlers);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[START_STATES.claim][0]).toMatchObject({ stream_id: STREAM, action: 'start', execution_name: EXECUTION_NAME });
    expect(run.calls[START_STATES.beginSession][0]).toMatchObject({ start: INPUT, execution_name: EXECUTION_NAME });
    expect(Date.parse(callOf(run, START_STATES.beginSession, BeginSessionInput).started_at)).not.toBeNaN();
    expect(run.calls[START_STATES.configureChannel][0]).toEqual({ stream_id: STREAM, archive_path: 's3://bucket/talks/' });
    expect(run.calls[START_STATES.configureEndpoint][0]).toEqual({ endpoint_id: 'ep-1', startover_window_seconds: 3600, key_rotation_interval: 0 });
    expect(run.calls[START_STATES.startChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.calls[START_STATES.describe]).toHaveLength(3);
    expect(run.calls[START_STATES.describe][0]).toEqual({
      channel_id: 'ch-1',
      // Describes watching 30 s each (every 2 s): the second 60 s after the first began, then 1 s apart.
      poll: {
        deadline_seconds: 900,
        first_wait_seconds: 30,
        initial_wait_seconds: 1,
        max_wait_seconds: 1,
        attempt: 0,
        watch_seconds: 30,
        watch_every_seconds: 2,
        ends_on: ['RUNNING', 'STOPPING', 'DELETING', 'DELETED', 'CREATE_FAILED', 'UPDATE_FAILED'],
      },
    });
    expect(run.calls[START_STATES.recordRunning][0]).toEqual({ stream_id: STREAM, state: 'running', stamp: ['last_started'], execution_name: EXECUTION_NAME });
    expect(outputOf(run, z.object({ configured: z.object({ endpoint: z.unknown() }) })).configured.endpoint).toMatchObject({ encryption: 'none' });
    expect(run.entered).toContain(START_STATES.done);
    expect(run.entered).not.toContain(START_STATES.stopChannel);
  });

  it('passes a start without options through to the session step unchanged', async () => {
    const run = await runWorkflow(startWorkflow, { stream_id: STREAM }, happyHandlers());

    expect(run.status).toBe('SUCCEEDED');
    expect(callOf(run, START_STATES.beginSession, BeginSessionInput).start).toEqual({ stream_id: STREAM });
  });

  it.each([
    [START_STATES.beginSession, 'Throttled', session],
    [START_STATES.configureChannel, 'Conflict', {}],
    [START_STATES.configureEndpoint, 'Transient', {}],
    [START_STATES.startChannel, 'Conflict', { requested: true }],
    [START_STATES.recordRunning, 'Throttled', {}],
  ])('retries %s on %s, then carries on', async (state, error, value) => {
    const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [state]: failingThen(2, error, value) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[state]).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
  });

  it('changes nothing and says why when the stream is not idle (a schedule firing on a started stream)', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.claim]: failing('StreamStateConflict', "cannot start a stream in state 'running'"),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: "cannot start a stream in state 'running'" });
    expect(run.entered).not.toContain(START_STATES.beginSession);
    expect(run.entered).not.toContain(START_STATES.recordNotStarted);
  });

  it.each([START_STATES.beginSession, START_STATES.configureChannel, START_STATES.configureEndpoint])(
    'when %s fails before the channel is started, returns the stream to idle with last_error, without stopping',
    async (state) => {
      const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [state]: failing('Invalid', 'boom') });

      expect(run.status).toBe('FAILED');
      expect(failedWith(run)).toBe('Invalid');
      expect(recorded(run, START_STATES.recordNotStarted)).toMatchObject({
        stream_id: STREAM,
        action: 'start',
        state: 'idle',
        failure: { Error: 'Invalid', Cause: 'boom' },
      });
      expect(run.entered).toContain(START_STATES.failedNotStarted);
      expect(run.entered).not.toContain(START_STATES.startChannel);
      expect(run.entered).not.toContain(START_STATES.stopChannel);
    },
  );

  it('when StartChannel fails for good, stops the channel, waits for IDLE and records failed with the start error', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.startChannel]: failing('Invalid', 'starting MediaLive channel: BadRequestException'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.calls[START_STATES.stopChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.calls[START_STATES.describeStopping]).toHaveLength(2);
    expect(recorded(run, START_STATES.recordFailure)).toMatchObject({
      state: 'failed',
      failure: { Error: 'Invalid', Cause: 'starting MediaLive channel: BadRequestException' },
    });
    expect(run.entered).toContain(START_STATES.failed);
    expect(failedWith(run)).toBe('Invalid');
    expect(run.entered).not.toContain(START_STATES.recordNotStarted);
  });

  it('gives up waiting for RUNNING at the 15-minute deadline, stops the channel and records why', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [START_STATES.describe]: expiredPoll('STARTING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(START_STATES.poll.timedOut);
    expect(run.calls[START_STATES.stopChannel]).toHaveLength(1);
    expect(recorded(run, START_STATES.recordFailure)).toMatchObject({
      state: 'failed',
      failure: { Error: 'Timeout', Cause: 'timed out after 900 s waiting for channel RUNNING; last status STARTING' },
    });
  });

  it('stops at once when the channel reaches a state that can never become RUNNING', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [START_STATES.describe]: statuses('STARTING', 'STOPPING') });

    expect(run.status).toBe('FAILED');
    expect(recorded(run, START_STATES.recordFailure).failure).toEqual({
      Error: 'Failed',
      Cause: 'gave up waiting for channel RUNNING: status STOPPING',
    });
    expect(run.calls[START_STATES.stopChannel]).toHaveLength(1);
  });

  it.each([START_STATES.describe, START_STATES.recordRunning])(
    'stops the channel when %s fails for good after the start',
    async (state) => {
      const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [state]: failing('Invalid', 'broken') });

      expect(run.status).toBe('FAILED');
      expect(run.calls[START_STATES.stopChannel]).toHaveLength(1);
      expect(recorded(run, START_STATES.recordFailure)).toMatchObject({ state: 'failed', failure: { Error: 'Invalid' } });
    },
  );

  it('retries a conflicting stop on the failure path, then records failed', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.startChannel]: failing('Invalid', 'nope'),
      [START_STATES.stopChannel]: failingThen(1, 'Conflict', { requested: true }),
    });

    expect(run.calls[START_STATES.stopChannel]).toHaveLength(2);
    expect(recorded(run, START_STATES.recordFailure)).toMatchObject({ state: 'failed', failure: { Error: 'Invalid', Cause: 'nope' } });
  });

  it('when stopping fails too, still records failed, saying the channel may still run and naming both errors', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.describe]: expiredPoll('STARTING'),
      [START_STATES.stopChannel]: failing('Invalid', 'stopping MediaLive channel: BadRequestException'),
    });

    expect(run.status).toBe('FAILED');
    expect(failedWith(run)).toBe('ChannelMayStillRun');
    expect(run.entered).toContain(START_STATES.stopFailed);
    expect(recorded(run, START_STATES.recordFailure)).toMatchObject({
      state: 'failed',
      failure: {
        Error: 'ChannelMayStillRun',
        Cause:
          'the start failed (Timeout) and the channel could not be confirmed stopped (Invalid); it may still be running: delete the stream to stop it',
      },
    });
  });

  it('when the channel does not reach IDLE in time after a failed start, records failed saying it may still run', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.startChannel]: failing('Invalid', 'nope'),
      [START_STATES.describeStopping]: expiredPoll('STOPPING'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(START_STATES.stopPoll.timedOut);
    expect(recorded(run, START_STATES.recordFailure).failure?.Cause).toBe(
      'the start failed (Invalid) and the channel could not be confirmed stopped (Timeout); it may still be running: delete the stream to stop it',
    );
  });

  it('records failed when describing the stopping channel fails for good', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.startChannel]: failing('Invalid', 'nope'),
      [START_STATES.describeStopping]: failing('Transient', 'MediaLive 503'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.calls[START_STATES.describeStopping].length).toBeGreaterThan(1);
    expect(recorded(run, START_STATES.recordFailure).failure?.Error).toBe('ChannelMayStillRun');
  });

  it('has a total timeout beyond both deadlines plus the steps\' retries, so the stop path always gets to record', () => {
    // 15 min RUNNING + 10 min IDLE, and up to ~3 min of capped retries for each of the ~10 steps on the way.
    expect(startWorkflow.timeout.toSeconds()).toBeGreaterThanOrEqual(900 + 600 + 10 * 180);
  });

  it('arms the cost guards once RUNNING, before the record says running', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, happyHandlers());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[START_STATES.armGuards][0]).toEqual({ stream_id: STREAM });
    const order = run.entered.filter((s) => s === START_STATES.armGuards || s === START_STATES.recordRunning);
    expect(order).toEqual([START_STATES.armGuards, START_STATES.recordRunning]);
    expect(run.entered).not.toContain(START_STATES.cancelGuards);
  });

  it('stops the channel and cancels the guards when they cannot be armed: no channel runs unguarded', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, { ...happyHandlers(), [START_STATES.armGuards]: failing('Invalid', 'creating schedule: ValidationException') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).not.toContain(START_STATES.recordRunning);
    expect(run.calls[START_STATES.cancelGuards][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[START_STATES.stopChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.calls[START_STATES.recordFailure][0]).toMatchObject({ state: 'failed', failure: { Error: 'Invalid' } });
  });

  it('still stops the channel of a failed start when cancelling its guards fails', async () => {
    const run = await runWorkflow(startWorkflow, INPUT, {
      ...happyHandlers(),
      [START_STATES.describe]: statuses('STARTING', 'STOPPING'),
      [START_STATES.cancelGuards]: failing('Invalid', 'deleting schedule: AccessDenied'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.calls[START_STATES.stopChannel]).toHaveLength(1);
    // The start's own failure is what is recorded, not the cancel's.
    expect(run.calls[START_STATES.recordFailure][0]).not.toMatchObject({ failure: { Error: 'Invalid' } });
  });
});
