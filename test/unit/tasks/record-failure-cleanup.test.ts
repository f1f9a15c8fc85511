import { describe, expect, it } from '@jest/globals';
import { run } from '../../../tasks/record-failure';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

// A create that fails and then fails to delete part of what it made: the record keeps the ids
// and says which deletes failed, so an operator can DELETE the stream later.
const store = useStreamStore();
const now = () => new Date('2026-03-01T12:00:00Z');
const lambdaCause = (message: string) => JSON.stringify({ errorType: 'Invalid', errorMessage: message, trace: ['at x'] });

describe('record-failure with compensation failures', () => {
  it('records the original failure then each failed cleanup, and keeps the ids', async () => {
    // Prepare
    const stream = await aStream(store(), { live_channel_id: 'ch-1', live_input_id: 'in-1', claimed_by: 'create-x-v1' });

    // Act
    const out = await run(
      {
        stream_id: stream.id,
        action: 'create',
        execution_id: 'arn:exec:create-x-v1',
        execution_name: 'create-x-v1',
        state: 'failed',
        failure: { Error: 'Timeout', Cause: 'timed out after 600 s waiting for channel IDLE; last status CREATING' },
        cleanup: {
          channel: { Error: 'Conflict', Cause: lambdaCause('MediaLive channel ch-1 is CREATING; it can be deleted once IDLE') },
          input: { Error: 'Conflict', Cause: lambdaCause('MediaLive input in-1 is ATTACHED; it can be deleted once DETACHED') },
        },
      },
      { store: store(), now },
    );

    // Assess
    const expected =
      'Timeout: timed out after 600 s waiting for channel IDLE; last status CREATING; cleanup failed, kept for a later delete: ' +
      'channel: Conflict: MediaLive channel ch-1 is CREATING; it can be deleted once IDLE; ' +
      'input: Conflict: MediaLive input in-1 is ATTACHED; it can be deleted once DETACHED';
    expect(out.message).toBe(expected);
    expect(await store().mustGet(stream.id)).toMatchObject({
      state: 'failed',
      claimed_by: null,
      live_channel_id: 'ch-1',
      live_input_id: 'in-1',
      last_error: { action: 'create', message: expected, execution_id: 'arn:exec:create-x-v1' },
    });
  });

  it('clears input_connected when a failure rests a running session (nothing pushes to a stream that is not running)', async () => {
    // Prepare: a start whose channel ran with an encoder pushing, then failed
    const stream = await aStream(store(), { state: 'starting', started: true, input_connected: true, claimed_by: 'start-x-v2' });

    // Act
    await run(
      { stream_id: stream.id, action: 'start', execution_id: 'arn:exec:start-x-v2', execution_name: 'start-x-v2', state: 'failed', failure: { Error: 'Timeout', Cause: 'no RUNNING' } },
      { store: store(), now },
    );

    // Assess
    expect(await store().mustGet(stream.id)).toMatchObject({ state: 'failed', started: false, input_connected: null });
  });

  it('says nothing of cleanup when every cleanup step succeeded', async () => {
    const stream = await aStream(store());

    const out = await run(
      {
        stream_id: stream.id,
        action: 'create',
        execution_id: 'arn:exec:1',
        execution_name: 'create-y-v1',
        state: 'failed',
        failure: { Error: 'Invalid', Cause: lambdaCause('creating MediaLive channel: BadRequestException: bad') },
        cleanup: {},
      },
      { store: store(), now },
    );

    expect(out.message).toBe('Invalid: creating MediaLive channel: BadRequestException: bad');
  });
});
