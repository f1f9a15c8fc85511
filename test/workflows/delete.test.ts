import { describe, expect, it } from '@jest/globals';
import { DELETE_STATES, deleteWorkflow } from '../../workflows/delete';
import { callOf, EXECUTION_NAME, expiredPoll, failing, failingThen, runWorkflow, statuses, type StateHandler } from './harness';
import { Input as RecordFailureInput } from '../../tasks/record-failure';

const STREAM = '0123456789abcdef0123456789abcdef';
const claimed = {
  stream_id: STREAM,
  state: 'deleting',
  channel_id: 'ch-1',
  input_id: 'in-1',
  package_channel_id: `fm-${STREAM}`,
  endpoint_id: `fm-${STREAM}-hls`,
  segment_length: 300,
  version: 7,
};
const D = DELETE_STATES;

function happyHandlers(): Record<string, StateHandler> {
  return {
    [D.claim]: () => claimed,
    [D.cancelSchedules]: () => ({ cancelled: 0 }),
    [D.removeLiveRoute]: () => ({ removed: true }),
    [D.stopConnector]: () => ({ task_id: null }),
    [D.deleteIvsChannel]: () => ({ deleted: false }),
    [D.removeLateLiveRoute]: () => ({ removed: false }),
    [D.stopChannel]: () => ({ requested: true }),
    [D.describeStopping]: statuses('STOPPING', 'IDLE'),
    [D.deleteChannel]: () => ({ requested: true }),
    [D.describeDeleting]: statuses('DELETING', 'DELETED'),
    [D.deleteEndpoint]: () => ({ deleted: true }),
    [D.deletePackageChannel]: () => ({ deleted: true }),
    [D.deleteInput]: () => ({ requested: true }),
    [D.deleteRecord]: () => ({ deleted: true }),
    [D.recordFailure]: () => ({}),
  };
}

const remove = (handlers: Record<string, StateHandler>) => runWorkflow(deleteWorkflow, { stream_id: STREAM }, handlers);

/** The task states that ran, in order, without poll loop states. */
function tasksRun(run: Awaited<ReturnType<typeof remove>>): string[] {
  return run.entered.filter((state) => state in run.calls);
}

describe('delete workflow', () => {
  it('removes the live route, stops the channel, deletes every resource in order, then the record', async () => {
    // Prepare
    const handlers = happyHandlers();

    // Act
    const run = await remove(handlers);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[D.claim][0]).toMatchObject({ stream_id: STREAM, action: 'delete', execution_name: EXECUTION_NAME });
    expect(tasksRun(run)).toEqual([
      D.claim,
      D.cancelSchedules,
      D.removeLiveRoute,
      D.stopConnector,
      D.stopChannel,
      D.describeStopping,
      D.describeStopping,
      D.deleteChannel,
      D.describeDeleting,
      D.describeDeleting,
      D.deleteEndpoint,
      D.deletePackageChannel,
      D.deleteInput,
      D.deleteIvsChannel,
      D.removeLateLiveRoute,
      D.deleteRecord,
    ]);
    expect(run.calls[D.stopConnector][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[D.deleteIvsChannel][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[D.removeLateLiveRoute][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[D.removeLiveRoute][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[D.stopChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.calls[D.deleteChannel][0]).toEqual({ channel_id: 'ch-1' });
    expect(run.calls[D.describeDeleting][0]).toMatchObject({ channel_id: 'ch-1', poll: { deadline_seconds: 600 } });
    expect(run.calls[D.deleteEndpoint][0]).toEqual({ endpoint_id: `fm-${STREAM}-hls` });
    expect(run.calls[D.deletePackageChannel][0]).toEqual({ package_channel_id: `fm-${STREAM}` });
    expect(run.calls[D.deleteInput][0]).toEqual({ input_id: 'in-1' });
    expect(run.calls[D.deleteRecord][0]).toEqual({ stream_id: STREAM });
    expect(run.entered.at(-1)).toBe(D.done);
  });

  it('deletes a stream whose create failed before it had a channel, without stopping anything', async () => {
    const run = await remove({ ...happyHandlers(), [D.claim]: () => ({ ...claimed, channel_id: '', input_id: 'in-1' }) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toContain(D.hasChannel);
    expect(tasksRun(run)).toEqual([
      D.claim,
      D.cancelSchedules,
      D.removeLiveRoute,
      D.stopConnector,
      D.deleteEndpoint,
      D.deletePackageChannel,
      D.deleteInput,
      D.deleteIvsChannel,
      D.removeLateLiveRoute,
      D.deleteRecord,
    ]);
  });

  it('goes on to delete a channel that failed to create, which has nothing to stop', async () => {
    const run = await remove({ ...happyHandlers(), [D.describeStopping]: statuses('CREATE_FAILED') });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[D.deleteChannel]).toHaveLength(1);
  });

  it.each([
    [D.cancelSchedules, 'Throttled', { cancelled: 0 }],
    [D.removeLiveRoute, 'Conflict', { removed: true }],
    [D.stopChannel, 'Conflict', { requested: true }],
    [D.deleteChannel, 'Conflict', { requested: true }],
    [D.deleteEndpoint, 'Transient', { deleted: true }],
    [D.deletePackageChannel, 'Lambda.TooManyRequestsException', { deleted: true }],
    [D.deleteInput, 'Conflict', { requested: true }],
    [D.stopConnector, 'Transient', { task_id: null }],
    [D.deleteIvsChannel, 'Conflict', { deleted: true }],
    [D.deleteRecord, 'Conflict', { deleted: true }],
  ])('retries %s after %s, then carries on', async (state, error, value) => {
    const run = await remove({ ...happyHandlers(), [state]: failingThen(2, error, value) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[state]).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
  });

  it('changes nothing and says why when the stream cannot be deleted now', async () => {
    const run = await remove({ ...happyHandlers(), [D.claim]: failing('StreamStateConflict', "cannot delete a stream in state 'creating'") });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: "cannot delete a stream in state 'creating'" });
    expect(tasksRun(run)).toEqual([D.claim]);
  });

  it('is done when the stream is already gone', async () => {
    const run = await remove({ ...happyHandlers(), [D.claim]: failing('NotFound', `stream ${STREAM} not found`) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toContain(D.alreadyDeleted);
    expect(tasksRun(run)).toEqual([D.claim]);
  });

  it.each([
    D.claim,
    D.cancelSchedules,
    D.removeLiveRoute,
    D.stopChannel,
    D.describeStopping,
    D.deleteChannel,
    D.describeDeleting,
    D.deleteEndpoint,
    D.deletePackageChannel,
    D.deleteInput,
    D.stopConnector,
    D.deleteIvsChannel,
    D.removeLateLiveRoute,
    D.deleteRecord,
  ])('records failed and stops at a failure of %s, keeping the rest (and the record) for a retry', async (state) => {
    // Prepare
    const handlers = { ...happyHandlers(), [state]: failing('Invalid', `${state}: refused`) };

    // Act
    const run = await remove(handlers);

    // Assess
    expect(run.status).toBe('FAILED');
    // Nothing after the failed step ran but recording the failure.
    expect(tasksRun(run).slice(-2)).toEqual([state, D.recordFailure]);
    expect(callOf(run, D.recordFailure, RecordFailureInput)).toMatchObject({
      stream_id: STREAM,
      action: 'delete',
      state: 'failed',
      failure: { Error: 'Invalid', Cause: `${state}: refused` },
    });
    expect(run.entered.at(-1)).toBe(D.failed);
  });

  it('gives up on IDLE at the deadline, naming what it waited for, and deletes nothing', async () => {
    const run = await remove({ ...happyHandlers(), [D.describeStopping]: expiredPoll('STOPPING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(D.pollIdle.timedOut);
    expect(run.entered).not.toContain(D.deleteChannel);
    expect(callOf(run, D.recordFailure, RecordFailureInput).failure).toEqual({
      Error: 'Timeout',
      Cause: 'timed out after 600 s waiting for channel IDLE; last status STOPPING',
    });
  });

  it('gives up on DELETED at the deadline and keeps the input and MediaPackage resources', async () => {
    const run = await remove({ ...happyHandlers(), [D.describeDeleting]: expiredPoll('DELETING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(D.pollDeleted.timedOut);
    expect(run.entered).not.toContain(D.deleteEndpoint);
    expect(run.entered).not.toContain(D.deleteInput);
    expect(callOf(run, D.recordFailure, RecordFailureInput).failure).toEqual({
      Error: 'Timeout',
      Cause: 'timed out after 600 s waiting for channel DELETED; last status DELETING',
    });
  });

  it('lists every task of its steps, so infra deploys and permits them all', () => {
    expect([...deleteWorkflow.tasks].sort()).toEqual(
      [
        'cancel-schedules',
        'claim-stream',
        'delete-channel',
        'delete-input',
        'delete-ivs-channel',
        'delete-origin-endpoint',
        'delete-package-channel',
        'delete-record',
        'describe-channel',
        'record-failure',
        'remove-live-route',
        'stop-channel',
        'stop-connector',
      ].sort(),
    );
  });
});
