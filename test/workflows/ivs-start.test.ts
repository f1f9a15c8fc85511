import { describe, expect, it } from '@jest/globals';
import { IVS_START_STATES as S, ivsStartWorkflow } from '../../workflows/ivs-start';
import { connectorStatuses } from './connector-statuses';
import { EXECUTION_NAME, expiredPoll, failing, runWorkflow, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';
const INPUT = { stream_id: STREAM, chime_url: 'https://meet.example.com/v2?m=a' };

function happy(): Record<string, StateHandler> {
  return {
    [S.slot]: () => ({ stream_id: STREAM, target: 'ivs', state: 'starting' }),
    [S.ensureChannel]: () => ({ channel_arn: 'arn:aws:ivs:us-east-1:1:channel/abc' }),
    [S.run]: () => ({ task_id: 'task-1' }),
    [S.describe]: connectorStatuses('RUNNING', 'READY'),
    [S.recordRunning]: () => ({ recorded: true }),
    [S.stopAfterFailure]: () => ({ task_id: null }),
    [S.recordFailure]: () => ({ recorded: true }),
  };
}

describe('ivs_start workflow', () => {
  it('ensures the IVS channel before running the connector toward it', async () => {
    const run = await runWorkflow(ivsStartWorkflow, INPUT, happy());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.slot][0]).toMatchObject({ action: 'ivs_start', chime_url: INPUT.chime_url });
    expect(run.calls[S.ensureChannel][0]).toEqual({ stream_id: STREAM });
    const order = [S.slot, S.ensureChannel, S.run, S.recordRunning].map((s) => run.entered.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(run.calls[S.recordRunning][0]).toMatchObject({ outcome: 'running', execution_name: EXECUTION_NAME });
  });

  it('records last_error and frees the slot when the channel cannot be made', async () => {
    const run = await runWorkflow(ivsStartWorkflow, INPUT, { ...happy(), [S.ensureChannel]: failing('Invalid', 'creating IVS channel: ServiceQuotaExceededException') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).not.toContain(S.run);
    expect(run.calls[S.recordFailure][0]).toMatchObject({ action: 'ivs_start', release_for: EXECUTION_NAME, failure: { Error: 'Invalid' } });
  });

  it('changes nothing when another connector holds the slot', async () => {
    const run = await runWorkflow(ivsStartWorkflow, INPUT, { ...happy(), [S.slot]: failing('StreamStateConflict', 'stream already has a medialive connector') });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ skipped: true });
    expect(run.entered).not.toContain(S.ensureChannel);
  });

  it('stops the task and records last_error at the deadline', async () => {
    const run = await runWorkflow(ivsStartWorkflow, INPUT, { ...happy(), [S.describe]: expiredPoll('PENDING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toEqual(expect.arrayContaining([S.poll.timedOut, S.stopAfterFailure, S.recordFailure]));
  });
});
