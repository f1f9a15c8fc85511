import { describe, expect, it } from '@jest/globals';
import { CHIME_START_STATES as S, chimeStartWorkflow } from '../../workflows/chime-start';
import { connectorStatuses } from './connector-statuses';
import { callOf, EXECUTION_ID, EXECUTION_NAME, expiredPoll, failing, failingThen, runWorkflow, type StateHandler } from './harness';
import { Input as RecordFailureInput } from '../../tasks/record-connector-failure';

const STREAM = '0123456789abcdef0123456789abcdef';
const INPUT = { stream_id: STREAM, chime_url: 'https://meet.example.com/v2?m=a' };

function happy(): Record<string, StateHandler> {
  return {
    [S.slot]: () => ({ stream_id: STREAM, target: 'medialive', state: 'starting' }),
    [S.run]: () => ({ task_id: 'task-1' }),
    [S.describe]: connectorStatuses('PROVISIONING', 'RUNNING', 'READY'),
    [S.recordRunning]: () => ({ recorded: true }),
    [S.stopAfterFailure]: () => ({ task_id: 'task-1' }),
    [S.recordFailure]: () => ({ recorded: true }),
  };
}

describe('chime_start workflow', () => {
  it('claims the connector, runs the task, waits for READY and records it running with its source', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, happy());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.slot][0]).toEqual({
      stream_id: STREAM,
      action: 'chime_start',
      execution_name: EXECUTION_NAME,
      execution_id: EXECUTION_ID,
      chime_url: INPUT.chime_url,
    });
    expect(run.calls[S.run][0]).toEqual({ stream_id: STREAM, execution_name: EXECUTION_NAME });
    expect(run.calls[S.describe][0]).toMatchObject({ task_id: 'task-1', fail_if_stopped: true, poll: { deadline_seconds: 600 } });
    expect(run.entered.filter((s) => s === S.describe)).toHaveLength(3);
    expect(run.calls[S.recordRunning][0]).toEqual({ outcome: 'running', stream_id: STREAM, execution_name: EXECUTION_NAME, source: 'test_pattern' });
    expect(run.entered).toContain(S.done);
    expect(run.entered).not.toContain(S.stopAfterFailure);
  });

  it('retries a Fargate capacity shortage, then carries on', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, { ...happy(), [S.run]: failingThen(2, 'Transient', { task_id: 'task-1' }) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.run]).toHaveLength(3);
  });

  it('changes nothing and says why when the stream is not running or already has a connector', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, {
      ...happy(),
      [S.slot]: failing('StreamStateConflict', 'stream already has a ivs connector (running); one connector per stream'),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: 'stream already has a ivs connector (running); one connector per stream' });
    expect(run.entered).not.toContain(S.run);
    expect(run.entered).not.toContain(S.recordFailure);
  });

  it('stands down quietly when a stop was requested before the task ran', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, {
      ...happy(),
      [S.run]: failing('StreamStateConflict', 'not running the connector: the connector is stopping (a stop was requested)'),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toContain(S.standDown);
    expect(run.entered).not.toContain(S.recordFailure);
  });

  it('stops the task, frees the slot and records last_error when the task stops before READY', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, {
      ...happy(),
      [S.describe]: failing('ConnectorStopped', 'connector task task-1 stopped before it was ready: Essential container in task exited'),
    });

    expect(run.status).toBe('FAILED');
    expect(run.error?.message).toContain('stopped before it was ready');
    expect(run.calls[S.stopAfterFailure][0]).toEqual({ stream_id: STREAM, reason: 'chime_start failed', connector_execution: EXECUTION_NAME });
    expect(callOf(run, S.recordFailure, RecordFailureInput)).toMatchObject({
      stream_id: STREAM,
      action: 'chime_start',
      execution_id: EXECUTION_ID,
      release_for: EXECUTION_NAME,
      failure: { Error: 'ConnectorStopped', Cause: expect.stringContaining('stopped before it was ready') },
    });
    expect(run.entered).toContain(S.failed);
  });

  it('gives up after ten minutes without frames: stops the task and records last_error', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, { ...happy(), [S.describe]: expiredPoll('RUNNING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(S.poll.timedOut);
    expect(run.entered).toContain(S.stopAfterFailure);
    expect(callOf(run, S.recordFailure, RecordFailureInput).failure).toEqual({
      Error: 'Timeout',
      Cause: 'timed out after 600 s waiting for connector READY; last status RUNNING',
    });
    expect(run.entered).not.toContain(S.recordRunning);
  });

  it('fails at once on an unhealthy connector', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, { ...happy(), [S.describe]: connectorStatuses('RUNNING', 'UNHEALTHY') });

    expect(run.status).toBe('FAILED');
    expect(callOf(run, S.recordFailure, RecordFailureInput).failure.Cause).toBe('gave up waiting for connector READY: status UNHEALTHY');
  });

  it('compensates a task that could not be run for good', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, { ...happy(), [S.run]: failing('Invalid', 'ECS refused the connector task: MISSING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toEqual(expect.arrayContaining([S.stopAfterFailure, S.recordFailure, S.failed]));
    expect(run.entered).not.toContain(S.describe);
  });

  it('still records the first failure when stopping the task fails too', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, {
      ...happy(),
      [S.describe]: expiredPoll('PENDING'),
      [S.stopAfterFailure]: failing('Invalid', 'stopping connector task: AccessDenied'),
    });

    expect(run.status).toBe('FAILED');
    expect(callOf(run, S.recordFailure, RecordFailureInput).failure.Error).toBe('Timeout');
    expect(run.error?.message).toContain('timed out after 600 s');
  });

  it('compensates when recording running fails', async () => {
    const run = await runWorkflow(chimeStartWorkflow, INPUT, { ...happy(), [S.recordRunning]: failing('Invalid', 'boom') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(S.stopAfterFailure);
  });
});
