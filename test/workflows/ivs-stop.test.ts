import { describe, expect, it } from '@jest/globals';
import { IVS_STOP_STATES as S, ivsStopWorkflow } from '../../workflows/ivs-stop';
import { expiredPoll, failing, runWorkflow, statuses, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';

function happy(): Record<string, StateHandler> {
  return {
    [S.slot]: () => ({ stream_id: STREAM, target: 'ivs', state: 'stopping', connector_execution: 'ivs_start-x-v1' }),
    [S.stopTask]: () => ({ task_id: 'task-1' }),
    [S.describe]: statuses('STOPPING', 'STOPPED'),
    [S.recordStopped]: () => ({ recorded: true }),
    [S.recordFailure]: () => ({ recorded: true }),
  };
}

describe('ivs_stop workflow', () => {
  it('stops the IVS connector, waits for STOPPED and clears it (the channel stays)', async () => {
    const run = await runWorkflow(ivsStopWorkflow, { stream_id: STREAM }, happy());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.slot][0]).toMatchObject({ action: 'ivs_stop' });
    expect(run.calls[S.stopTask][0]).toEqual({ stream_id: STREAM, reason: 'ivs_stop requested', connector_execution: 'ivs_start-x-v1' });
    expect(run.calls[S.recordStopped][0]).toEqual({ outcome: 'stopped', stream_id: STREAM, connector_execution: 'ivs_start-x-v1' });
  });

  it('counts a task ECS no longer knows as stopped', async () => {
    const run = await runWorkflow(ivsStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.describe]: statuses('MISSING') });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toContain(S.recordStopped);
  });

  it('changes nothing without an ivs connector', async () => {
    const run = await runWorkflow(ivsStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.slot]: failing('StreamStateConflict', 'stream has no ivs connector') });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ skipped: true, reason: 'stream has no ivs connector' });
  });

  it('records last_error at the deadline', async () => {
    const run = await runWorkflow(ivsStopWorkflow, { stream_id: STREAM }, { ...happy(), [S.describe]: expiredPoll('STOPPING') });

    expect(run.status).toBe('FAILED');
    expect(run.calls[S.recordFailure][0]).toMatchObject({ action: 'ivs_stop', failure: { Error: 'Timeout' } });
  });
});
