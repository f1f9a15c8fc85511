import { describe, expect, it } from '@jest/globals';
import { awsConsoleUrl, timelineOf, type ExecutionView } from '../../../console/timeline';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:fmls-start:start-abc-1';
const base: Omit<ExecutionView, 'status' | 'stopped_at' | 'history' | 'error'> = {
  execution_id: ARN,
  action: 'start',
  started_at: '2026-03-01T12:00:00.000Z',
  current_state: null,
};
const entry = (state: string, entered: string, exited: string | null, status = exited ? 'SUCCEEDED' : 'RUNNING', attempts = 1) => ({
  state,
  entered_at: `2026-03-01T12:${entered}Z`,
  exited_at: exited === null ? null : `2026-03-01T12:${exited}Z`,
  status,
  attempts,
});

describe('execution timeline', () => {
  it('times each state, counts re-entries apart from retries, and marks the state a running execution is stuck in with its time so far', () => {
    const execution: ExecutionView = {
      ...base,
      status: 'RUNNING',
      stopped_at: null,
      error: null,
      history: [
        entry('StartChannel', '00:00.000', '00:01.500'),
        entry('WaitForRunning', '00:01.500', '00:06.500'),
        entry('DescribeChannel', '00:06.500', '00:07.000'),
        entry('WaitForRunning', '00:07.000', '00:12.000'),
        entry('DescribeChannel', '00:12.000', null, 'RUNNING', 3),
      ],
    };

    const timeline = timelineOf(execution, new Date('2026-03-01T12:03:12.000Z'));

    expect(timeline.steps.map((s) => [s.state, s.duration_ms, s.entry, s.current])).toEqual([
      ['StartChannel', 1500, 1, false],
      ['WaitForRunning', 5000, 1, false],
      ['DescribeChannel', 500, 1, false],
      ['WaitForRunning', 5000, 2, false],
      ['DescribeChannel', 180_000, 2, true],
    ]);
    expect(timeline.current).toBe(4);
    // The poll loop re-enters its states (entry 2); only the task tried three times in one entry was retried.
    expect(timeline.retries).toEqual([{ state: 'DescribeChannel', count: 2 }]);
    expect(timeline.elapsed_ms).toBe(192_000);
  });

  it('marks where a failed execution stopped, timed to its stop; a succeeded one has no current state', () => {
    const failed: ExecutionView = {
      ...base,
      status: 'FAILED',
      stopped_at: '2026-03-01T12:00:09.000Z',
      error: { error: 'States.Timeout', message: 'channel never ran' },
      history: [entry('StartChannel', '00:00.000', '00:02.000'), entry('DescribeChannel', '00:02.000', '00:03.000', 'FAILED'), entry('RecordFailure', '00:03.000', '00:04.000')],
    };
    const aborted: ExecutionView = { ...failed, status: 'ABORTED', history: [entry('WaitForRunning', '00:00.000', null, 'ABORTED')] };
    const succeeded: ExecutionView = { ...failed, status: 'SUCCEEDED', error: null };

    expect(timelineOf(failed, new Date('2030-01-01T00:00:00Z')).steps.map((s) => s.current)).toEqual([false, true, false]);
    expect(timelineOf(aborted, new Date('2030-01-01T00:00:00Z')).steps[0]).toMatchObject({ current: true, duration_ms: 9000 });
    expect(timelineOf(succeeded, new Date()).current).toBe(-1);
    expect(timelineOf({ ...succeeded, history: [] }, new Date()).steps).toEqual([]);
  });

  it('links cloud executions (not the local runtime\'s) to the AWS console', () => {
    expect(awsConsoleUrl(ARN)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(ARN)}`,
    );
    expect(awsConsoleUrl('arn:aws:states:us-east-1:000000000000:execution:fmls-start:start-abc-1')).toBeUndefined();
    expect(awsConsoleUrl('start-abc-1')).toBeUndefined();
  });
});
