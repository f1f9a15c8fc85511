import { describe, expect, it } from '@jest/globals';
import { CHIME_STOP_STATES as S, chimeStopWorkflow } from '../../workflows/chime-stop';
import { EXECUTION_ID, EXECUTION_NAME, expiredPoll, failing, failingThen, runWorkflow, statuses, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';

function happy(): Record<string, StateHandler> {
  return {
    [S.slot]: () => ({ stream_id: STREAM, target: 'medialive', state: 'stopping', connector_execution: 'chime_start-x-v1' }),
    [S.stopTask]: () => ({ task_id: 'task-1' }),
    [S.describe]: statuses('DEACTIVATING', 'DEPROVISIONING', 'STOPPED'),
    [S.recordStopped]: () => ({ recorded: true }),
    [S.recordFailure]: () => ({ recorded: true }),
  };
}

describe('chime_stop workflow', () => {
  it('marks the connector stopping, stops its task, waits for STOPPED and clears the connector', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, happy());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.slot][0]).toEqual({ stream_id: STREAM, action: 'chime_stop', execution_name: EXECUTION_NAME, execution_id: EXECUTION_ID });
    expect(run.calls[S.stopTask][0]).toEqual({ stream_id: STREAM, reason: 'chime_stop requested', connector_execution: 'chime_start-x-v1' });
    expect(run.calls[S.describe][0]).toMatchObject({ task_id: 'task-1', poll: { deadline_seconds: 300 } });
    expect(run.entered.filter((s) => s === S.describe)).toHaveLength(3);
    expect(run.calls[S.recordStopped][0]).toEqual({ outcome: 'stopped', stream_id: STREAM, connector_execution: 'chime_start-x-v1' });
    expect(run.entered).toContain(S.done);
  });

  it('clears at once a connector whose start never ran a task', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.stopTask]: () => ({ task_id: null }) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).not.toContain(S.describe);
    expect(run.entered).toContain(S.recordStopped);
  });

  it('retries a throttled StopTask', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.stopTask]: failingThen(1, 'Throttled', { task_id: 'task-1' }) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.stopTask]).toHaveLength(2);
  });

  it('changes nothing and says why without a medialive connector', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.slot]: failing('StreamStateConflict', 'stream has no medialive connector') });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: 'stream has no medialive connector' });
    expect(run.entered).not.toContain(S.stopTask);
  });

  it('records last_error and keeps the connector when the task does not stop in time', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.describe]: expiredPoll('DEACTIVATING') });

    expect(run.status).toBe('FAILED');
    expect(run.calls[S.recordFailure][0]).toEqual({
      stream_id: STREAM,
      action: 'chime_stop',
      execution_id: EXECUTION_ID,
      failure: { Error: 'Timeout', Cause: 'timed out after 300 s waiting for connector STOPPED; last status DEACTIVATING' },
    });
    expect(run.entered).not.toContain(S.recordStopped);
  });

  it('records last_error when StopTask fails for good', async () => {
    const run = await runWorkflow(chimeStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.stopTask]: failing('Invalid', 'stopping connector task: AccessDeniedException') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(S.failed);
  });
});
