import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { NotFound } from '../../../core/domain/errors';
import { executionDetail, executionSummary, executionErrorMessage, historyEntries } from '../../../core/aws/executions';

const sfn = new SFNClient({ region: 'us-east-1' });
const sfnMock = mockClient(sfn);
beforeEach(() => { sfnMock.reset(); });

const ARN = 'arn:aws:states:us-east-1:0:execution:fm-stop:stop-0123456789abcdef0123456789abcdef-v3';
const t = (s: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, s));
const entered = (name: string, s: number, type = 'TaskStateEntered'): HistoryEvent => ({
  type: type as HistoryEvent['type'],
  id: s,
  timestamp: t(s),
  stateEnteredEventDetails: { name, input: '{"rtmp1":"rtmp://h:1/app/SECRET"}' },
});
const exited = (name: string, s: number, type = 'TaskStateExited'): HistoryEvent => ({
  type: type as HistoryEvent['type'],
  id: s,
  timestamp: t(s),
  stateExitedEventDetails: { name, output: '{}' },
});
const event = (type: string, s: number): HistoryEvent => ({ type: type as HistoryEvent['type'], id: s, timestamp: t(s) });

describe('executionErrorMessage', () => {
  it("keeps a Lambda task's errorMessage and never its stack, and redacts stream keys", () => {
    const cause = JSON.stringify({ errorType: 'Invalid', errorMessage: 'bad url rtmp://h:1/app/SECRET', stackTrace: ['at x.ts:1'] });
    expect(executionErrorMessage('Invalid', cause)).toBe('bad url rtmp://h:1/app/***');
  });

  it("keeps a Fail state's sentence, and falls back to the error name", () => {
    expect(executionErrorMessage('States.Timeout', 'channel did not reach IDLE in 600 s')).toBe('channel did not reach IDLE in 600 s');
    expect(executionErrorMessage('States.Timeout', undefined)).toBe('States.Timeout');
  });
});

describe('historyEntries', () => {
  it('pairs entries with exits; a retried task that then succeeded is SUCCEEDED; a loop state appears each time', () => {
    const events = [
      event('ExecutionStarted', 0),
      entered('Claim', 1),
      event('LambdaFunctionScheduled', 1),
      event('LambdaFunctionFailed', 2),
      event('LambdaFunctionScheduled', 2),
      event('LambdaFunctionSucceeded', 3),
      exited('Claim', 4),
      entered('Wait', 5, 'WaitStateEntered'),
      exited('Wait', 6, 'WaitStateExited'),
      entered('Wait', 7, 'WaitStateEntered'),
      exited('Wait', 8, 'WaitStateExited'),
      entered('Done', 9, 'SucceedStateEntered'),
      exited('Done', 10, 'SucceedStateExited'),
      event('ExecutionSucceeded', 11),
    ];

    expect(historyEntries(events, 'SUCCEEDED')).toEqual([
      { state: 'Claim', entered_at: t(1).toISOString(), exited_at: t(4).toISOString(), status: 'SUCCEEDED', attempts: 2 },
      { state: 'Wait', entered_at: t(5).toISOString(), exited_at: t(6).toISOString(), status: 'SUCCEEDED', attempts: 0 },
      { state: 'Wait', entered_at: t(7).toISOString(), exited_at: t(8).toISOString(), status: 'SUCCEEDED', attempts: 0 },
      { state: 'Done', entered_at: t(9).toISOString(), exited_at: t(10).toISOString(), status: 'SUCCEEDED', attempts: 0 },
    ]);
  });

  it("closes every entry of a Map's iterations, which run side by side through states of the same name", () => {
    // Prepare: two sections' iterations interleaved, as a split's Map runs them
    const events = [
      entered('Transcode section', 1),
      event('TaskScheduled', 1),
      entered('Transcode section', 2),
      event('TaskScheduled', 2),
      event('TaskSucceeded', 3),
      exited('Transcode section', 3),
      event('TaskSucceeded', 4),
      exited('Transcode section', 4),
      event('ExecutionSucceeded', 5),
    ];
    // Act
    const entries = historyEntries(events, 'SUCCEEDED');
    // Assess: none left RUNNING in a succeeded execution
    expect(entries.map((e) => [e.state, e.status, e.exited_at])).toEqual([
      ['Transcode section', 'SUCCEEDED', t(3).toISOString()],
      ['Transcode section', 'SUCCEEDED', t(4).toISOString()],
    ]);
  });

  it('marks a task whose last attempt failed as FAILED even when a Catch moved on, and an open state RUNNING', () => {
    const events = [entered('Stop channel', 1), event('TaskFailed', 2), exited('Stop channel', 3), entered('Record failure', 4)];

    expect(historyEntries(events, 'RUNNING').map((e) => [e.state, e.status])).toEqual([
      ['Stop channel', 'FAILED'],
      ['Record failure', 'RUNNING'],
    ]);
  });

  it('marks where a failed or aborted execution stopped', () => {
    const events = [entered('Describe', 1), entered('Stop failed', 2, 'FailStateEntered')];
    expect(historyEntries([events[0], exited('Describe', 1), events[1]], 'FAILED').at(-1)?.status).toBe('FAILED');
    expect(historyEntries([events[0]], 'ABORTED')).toEqual([
      { state: 'Describe', entered_at: t(1).toISOString(), exited_at: null, status: 'ABORTED', attempts: 0 },
    ]);
  });
});

describe('executionSummary', () => {
  it('reads status, times, the state it is in, and a redacted error', async () => {
    sfnMock.on(DescribeExecutionCommand, { executionArn: ARN }).resolves({
      executionArn: ARN,
      name: ARN.split(':').pop(),
      stateMachineArn: 'arn:aws:states:us-east-1:0:stateMachine:fm-stop',
      status: 'FAILED',
      startDate: t(0),
      stopDate: t(9),
      error: 'Invalid',
      cause: JSON.stringify({ errorMessage: 'key sk_live_ABC leaked', stackTrace: [] }),
    });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [event('ExecutionFailed', 9), entered('Stop failed', 8, 'FailStateEntered'), exited('Describe', 7)] });

    const summary = await executionSummary(sfn, ARN);

    expect(summary).toEqual({
      execution_id: ARN,
      action: 'stop',
      status: 'FAILED',
      started_at: t(0).toISOString(),
      stopped_at: t(9).toISOString(),
      current_state: 'Stop failed',
      error: { error: 'Invalid', message: 'key sk_*** leaked' },
    });
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[0].args[0].input).toMatchObject({ executionArn: ARN, reverseOrder: true });
  });

  it('names the action by the state machine when the execution name is not one of ours', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: 'arn:x', name: 'console-run', stateMachineArn: 'arn:aws:states:r:0:stateMachine:fm-split', status: 'RUNNING', startDate: t(0),
    });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });

    expect(await executionSummary(sfn, 'arn:x')).toMatchObject({ action: 'fm-split', stopped_at: null, current_state: null, error: null });
  });

  it('is NotFound for an execution Step Functions no longer has', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    await expect(executionSummary(sfn, ARN)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('executionDetail', () => {
  it('reads every page of history and the output, redacting stream keys', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: ARN, name: ARN.split(':').pop(), status: 'SUCCEEDED', startDate: t(0), stopDate: t(5),
      output: JSON.stringify({ rtmp_ivs: 'rtmps://ingest.example.com:443/app/sk_us-east-1_SECRET', stream_key: 'plain' }),
    });
    sfnMock
      .on(GetExecutionHistoryCommand, { executionArn: ARN, nextToken: undefined })
      .resolves({ events: [entered('Claim', 1), exited('Claim', 2)], nextToken: 'page-2' })
      .on(GetExecutionHistoryCommand, { executionArn: ARN, nextToken: 'page-2' })
      .resolves({ events: [entered('Done', 3, 'SucceedStateEntered'), exited('Done', 4, 'SucceedStateExited')] });

    const detail = await executionDetail(sfn, ARN);

    expect(detail.history.map((e) => e.state)).toEqual(['Claim', 'Done']);
    expect(detail.current_state).toBe('Done');
    expect(detail.output).toEqual({ rtmp_ivs: 'rtmps://ingest.example.com:443/app/***', stream_key: '***' });
    expect(JSON.stringify(detail)).not.toContain('SECRET');
  });
});
