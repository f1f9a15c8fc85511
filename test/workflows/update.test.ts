import { describe, expect, it } from '@jest/globals';
import { UPDATE_STATES, updateWorkflow } from '../../workflows/update';
import { z } from 'zod';
import { failing, failingThen, outputOf, runWorkflow, type StateHandler } from './harness';

const STREAM = '0123456789abcdef0123456789abcdef';

function handlers(): Record<string, StateHandler> {
  return {
    [UPDATE_STATES.claim]: () => ({ stream_id: STREAM, state: 'idle', channel_id: 'ch-1' }),
    [UPDATE_STATES.syncName]: () => ({ synced: true, channel_state: 'IDLE' }),
    [UPDATE_STATES.recordFailure]: () => ({}),
  };
}

describe('update workflow', () => {
  it('tracks the execution on the stream and renames the channel', async () => {
    const run = await runWorkflow(updateWorkflow, { stream_id: STREAM }, handlers());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[UPDATE_STATES.claim][0]).toMatchObject({ stream_id: STREAM, action: 'update' });
    expect(run.calls[UPDATE_STATES.syncName][0]).toEqual({ stream_id: STREAM });
    expect(outputOf(run, z.object({ channel: z.unknown() })).channel).toEqual({ synced: true, channel_state: 'IDLE' });
  });

  it('retries a throttled rename', async () => {
    const run = await runWorkflow(updateWorkflow, { stream_id: STREAM }, {
      ...handlers(),
      [UPDATE_STATES.syncName]: failingThen(2, 'Throttled', { synced: true, channel_state: 'IDLE' }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[UPDATE_STATES.syncName]).toHaveLength(3);
  });

  it('records last_error without changing the state when the rename fails for good', async () => {
    const run = await runWorkflow(updateWorkflow, { stream_id: STREAM }, {
      ...handlers(),
      [UPDATE_STATES.syncName]: failing('Invalid', 'renaming MediaLive channel: BadRequestException'),
    });

    expect(run.status).toBe('FAILED');
    const record = run.calls[UPDATE_STATES.recordFailure][0];
    expect(record).toMatchObject({ action: 'update', failure: { Error: 'Invalid' } });
    expect(record).not.toHaveProperty('state');
    expect(run.entered).toContain(UPDATE_STATES.failed);
  });
});
