import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness, executionArn, machineArn } from './harness';
import { ExecutionDetailSchema } from '../../../core/aws/executions';
import { bodyOf } from '../../fixtures/api-reply';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, s));

/** Answers GetExecutionHistory for `arn` as Step Functions would, in either order. */
function history(arn: string, events: HistoryEvent[]) {
  h.sfnMock
    .on(GetExecutionHistoryCommand, { executionArn: arn, reverseOrder: true })
    .resolves({ events: [...events].reverse() })
    .on(GetExecutionHistoryCommand, { executionArn: arn, reverseOrder: undefined })
    .resolves({ events });
}

/** A stream with a start (failed, older), a live (running) and one Step Functions has forgotten. */
async function streamWithExecutions() {
  const stream = await h.seed();
  const start = executionArn('start', `start-${stream.id}-v2`);
  const live = executionArn('live', `live-${stream.id}-v4`);
  const gone = executionArn('stop', `stop-${stream.id}-v1`);
  const stored = await h.store.update(stream.id, stream.version, { execution_arns: [start, live, gone] });
  h.sfnMock.on(DescribeExecutionCommand, { executionArn: start }).resolves({
    executionArn: start, name: start.split(':').pop(), status: 'FAILED', startDate: at(0), stopDate: at(30),
    error: 'States.Timeout', cause: 'channel did not reach RUNNING; input rtmp://1.2.3.4:1935/live/KEY1',
    output: undefined,
  });
  h.sfnMock.on(DescribeExecutionCommand, { executionArn: live }).resolves({
    executionArn: live, name: live.split(':').pop(), status: 'RUNNING', startDate: at(40),
  });
  h.sfnMock.on(DescribeExecutionCommand, { executionArn: gone }).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
  history(start, [
    { type: 'TaskStateEntered', id: 1, timestamp: at(1), stateEnteredEventDetails: { name: 'Start channel' } },
    { type: 'TaskStateExited', id: 2, timestamp: at(2), stateExitedEventDetails: { name: 'Start channel' } },
    { type: 'FailStateEntered', id: 3, timestamp: at(30), stateEnteredEventDetails: { name: 'Start failed' } },
  ]);
  history(live, [{ type: 'TaskStateEntered', id: 1, timestamp: at(41), stateEnteredEventDetails: { name: 'Associate origin' } }]);
  return { stream: stored, start, live };
}

describe('GET /streams/{id}/executions', () => {
  it('lists the stream executions newest first, leaving out the ones Step Functions no longer has, keys redacted', async () => {
    const { stream, start, live } = await streamWithExecutions();

    const res = await h.call('GET', `/streams/${stream.id}/executions`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { execution_id: live, action: 'live', status: 'RUNNING', started_at: at(40).toISOString(), stopped_at: null, current_state: 'Associate origin', error: null },
      {
        execution_id: start,
        action: 'start',
        status: 'FAILED',
        started_at: at(0).toISOString(),
        stopped_at: at(30).toISOString(),
        current_state: 'Start failed',
        error: { error: 'States.Timeout', message: 'channel did not reach RUNNING; input rtmp://1.2.3.4:1935/live/***' },
      },
    ]);
  });

  it('answers an empty list for a stream without executions, 404 for an unknown one, 400 for a bad id', async () => {
    const stream = await h.seed();
    expect((await h.call('GET', `/streams/${stream.id}/executions`)).body).toEqual([]);
    h.expectError(await h.call('GET', `/streams/${'d'.repeat(32)}/executions`), 404, 'NotFound');
    h.expectError(await h.call('GET', '/streams/D/executions'), 400, 'ValidationError');
  });
});

describe('GET /streams/{id}/executions/{execution_id}', () => {
  it.each(['arn', 'name'])('returns one execution by its %s, with output and history', async (by) => {
    const { stream, start } = await streamWithExecutions();
    const id = by === 'arn' ? encodeURIComponent(start) : start.split(':').pop()!;

    const res = await h.call('GET', `/streams/${stream.id}/executions/${id}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ execution_id: start, status: 'FAILED', output: null, current_state: 'Start failed' });
    expect(bodyOf(res, ExecutionDetailSchema).history).toEqual([
      { state: 'Start channel', entered_at: at(1).toISOString(), exited_at: at(2).toISOString(), status: 'SUCCEEDED', attempts: 0 },
      { state: 'Start failed', entered_at: at(30).toISOString(), exited_at: null, status: 'FAILED', attempts: 0 },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('KEY1');
  });

  it("404s an execution that is not this stream's, or that Step Functions no longer has", async () => {
    const { stream } = await streamWithExecutions();
    const other = await h.seed();

    h.expectError(await h.call('GET', `/streams/${other.id}/executions/start-${stream.id}-v2`), 404, 'NotFound', /has no execution/);
    h.expectError(await h.call('GET', `/streams/${stream.id}/executions/stop-${stream.id}-v1`), 404, 'NotFound');
    h.expectError(await h.call('GET', `/streams/${'e'.repeat(32)}/executions/x`), 404, 'NotFound');
  });

  it('400s a malformed stream id', async () => {
    h.expectError(await h.call('GET', '/streams/nope/executions/x'), 400, 'ValidationError');
  });
});

describe('an execution a schedule started (EventBridge Scheduler names it itself)', () => {
  it('shows the action of its state machine', async () => {
    const stream = await h.seed();
    const scheduled = `${machineArn('stop').replace(':stateMachine:', ':execution:')}:0b3c6c36-1f7e-4a43-9a53-5e0ff8c8d3c1`;
    await h.store.update(stream.id, stream.version, { execution_arns: [scheduled] });
    h.sfnMock.on(DescribeExecutionCommand, { executionArn: scheduled }).resolves({
      executionArn: scheduled, name: scheduled.split(':').pop(), stateMachineArn: machineArn('stop'), status: 'SUCCEEDED', startDate: at(0), stopDate: at(9),
    });
    history(scheduled, [{ type: 'SucceedStateEntered', id: 1, timestamp: at(9), stateEnteredEventDetails: { name: 'Stopped' } }]);

    const res = await h.call('GET', `/streams/${stream.id}/executions`);

    expect(res.body).toEqual([expect.objectContaining({ execution_id: scheduled, action: 'stop', current_state: 'Stopped' })]);
  });
});
