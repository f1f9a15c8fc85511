import { describe, expect, it } from '@jest/globals';
import { UNLIVE_STATES, unliveWorkflow } from '../../workflows/unlive';
import { failing, failingThen, runWorkflow, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';
const claimed = { stream_id: STREAM, state: 'running', channel_id: 'ch-1', endpoint_id: 'ep-1', segment_length: 300, version: 4 };

function unliveHandlers(): Record<string, StateHandler> {
  return {
    [UNLIVE_STATES.claim]: () => claimed,
    [UNLIVE_STATES.removeRoute]: () => ({ removed: true }),
    [UNLIVE_STATES.recordNotLive]: () => ({}),
    [UNLIVE_STATES.recordFailure]: () => ({}),
  };
}

describe('unlive workflow', () => {
  it('removes the route and records not live', async () => {
    const run = await runWorkflow(unliveWorkflow, { stream_id: STREAM }, unliveHandlers());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[UNLIVE_STATES.claim][0]).toMatchObject({ action: 'unlive' });
    expect(run.calls[UNLIVE_STATES.removeRoute][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[UNLIVE_STATES.recordNotLive][0]).toEqual({ stream_id: STREAM, live: false });
    expect(run.entered).toContain(UNLIVE_STATES.done);
  });

  it('still records not live when the route was already gone', async () => {
    const run = await runWorkflow(unliveWorkflow, { stream_id: STREAM }, {
      ...unliveHandlers(),
      [UNLIVE_STATES.removeRoute]: () => ({ removed: false }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[UNLIVE_STATES.recordNotLive]).toHaveLength(1);
  });

  it('retries a delete whose ETag went stale', async () => {
    const run = await runWorkflow(unliveWorkflow, { stream_id: STREAM }, {
      ...unliveHandlers(),
      [UNLIVE_STATES.removeRoute]: failingThen(3, 'Conflict', { removed: true }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[UNLIVE_STATES.removeRoute]).toHaveLength(4);
  });

  it.each([UNLIVE_STATES.removeRoute, UNLIVE_STATES.recordNotLive])('records last_error when %s fails for good', async (state) => {
    const run = await runWorkflow(unliveWorkflow, { stream_id: STREAM }, { ...unliveHandlers(), [state]: failing('Invalid', 'no') });

    expect(run.status).toBe('FAILED');
    expect(run.calls[UNLIVE_STATES.recordFailure][0]).toMatchObject({ action: 'unlive', failure: { Error: 'Invalid' } });
    expect(run.calls[state]).toHaveLength(1);
    expect(run.entered).toContain(UNLIVE_STATES.failed);
  });
});
