import { describe, expect, it } from '@jest/globals';
import { LIVE_STATES, liveWorkflow } from '../../workflows/live';
import { EXECUTION_NAME, failing, failingThen, runWorkflow, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';
const ENDPOINT = `https://live.example.com/live/${STREAM}/index.m3u8`;
const claimed = { stream_id: STREAM, state: 'running', channel_id: 'ch-1', endpoint_id: 'ep-1', segment_length: 300, version: 4 };

function liveHandlers(): Record<string, StateHandler> {
  return {
    [LIVE_STATES.claim]: () => claimed,
    [LIVE_STATES.putRoute]: () => ({ key: STREAM, live_endpoint: ENDPOINT }),
    [LIVE_STATES.recordLive]: () => ({ stream_id: STREAM, live: true, recorded: true }),
    [LIVE_STATES.recordFailure]: () => ({}),
  };
}

describe('live workflow', () => {
  it('checks the state rules, puts the route and records live with the endpoint', async () => {
    // Act
    const run = await runWorkflow(liveWorkflow, { stream_id: STREAM }, liveHandlers());

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[LIVE_STATES.claim][0]).toMatchObject({ stream_id: STREAM, action: 'live', execution_name: EXECUTION_NAME });
    expect(run.calls[LIVE_STATES.putRoute][0]).toEqual({ stream_id: STREAM });
    expect(run.calls[LIVE_STATES.recordLive][0]).toEqual({ stream_id: STREAM, live: true, live_endpoint: ENDPOINT });
    expect(run.entered).toContain(LIVE_STATES.done);
  });

  it('retries a put whose ETag went stale (another stream went live meanwhile), then records live', async () => {
    const run = await runWorkflow(liveWorkflow, { stream_id: STREAM }, {
      ...liveHandlers(),
      [LIVE_STATES.putRoute]: failingThen(2, 'Conflict', { key: STREAM, live_endpoint: ENDPOINT }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[LIVE_STATES.putRoute]).toHaveLength(3);
    expect(run.calls[LIVE_STATES.recordLive]).toHaveLength(1);
  });

  it('retries a throttled record', async () => {
    const run = await runWorkflow(liveWorkflow, { stream_id: STREAM }, {
      ...liveHandlers(),
      [LIVE_STATES.recordLive]: failingThen(1, 'Throttled', {}),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[LIVE_STATES.recordLive]).toHaveLength(2);
  });

  it('changes nothing and says why for a stream being created or deleted', async () => {
    const run = await runWorkflow(liveWorkflow, { stream_id: STREAM }, {
      ...liveHandlers(),
      [LIVE_STATES.claim]: failing('StreamStateConflict', "cannot live a stream in state 'deleting'"),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: "cannot live a stream in state 'deleting'" });
    expect(run.entered).not.toContain(LIVE_STATES.putRoute);
  });

  it.each([LIVE_STATES.putRoute, LIVE_STATES.recordLive])('records last_error (state unchanged) when %s fails for good', async (state) => {
    const run = await runWorkflow(liveWorkflow, { stream_id: STREAM }, { ...liveHandlers(), [state]: failing('Invalid', 'no') });

    expect(run.status).toBe('FAILED');
    // Only the retryable errors are retried: Invalid (a KVS ValidationException, AccessDenied or
    // ServiceQuotaExceeded) can never succeed as sent.
    expect(run.calls[state]).toHaveLength(1);
    const record = run.calls[LIVE_STATES.recordFailure][0];
    expect(record).toMatchObject({ stream_id: STREAM, action: 'live', failure: { Error: 'Invalid', Cause: 'no' } });
    expect(record).not.toHaveProperty('state');
    expect(run.entered).toContain(LIVE_STATES.failed);
  });
});
