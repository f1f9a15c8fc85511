import { DescribeChannelCommand, StopChannelCommand } from '@aws-sdk/client-medialive';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordOf } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

/**
 * The record stays true to MediaLive (issue 13), end to end on the local runtime: the local
 * MediaLive's own state change events reach the watcher task, and the reconciler's sweep stops
 * what nothing references.
 */
let rt: TestRuntime;
/** How long the record may take to show what MediaLive did: seconds (the channel's own stop takes about one). */
const SHOWN_WITHIN_MS = 20_000;

beforeAll(async () => {
  // A sweep every 2 s instead of every few minutes, so the reconciler's test waits seconds.
  rt = await startTestRuntime('record-truth', { LOCAL_RECONCILE_SECONDS: 2 });
});
afterAll(async () => rt?.close());

async function aRunningStream(): Promise<string> {
  const id = recordOf(await rt.api('POST', '/streams', { name: 'kept true' })).id;
  await rt.untilState(id, 'idle');
  expect((await rt.api('POST', `/streams/${id}/start`, {})).status).toBe(202);
  await rt.untilState(id, 'running');
  return id;
}

const channelState = async (channelId: string) => (await rt.runtime.services.medialive.send(new DescribeChannelCommand({ ChannelId: channelId }))).State;

describe('the record stays true (local runtime)', () => {
  it('shows a channel stopped behind the API\'s back idle, stop_reason aws, within seconds', async () => {
    const id = await aRunningStream();
    const { live_channel_id: channelId } = await rt.record(id);

    // What the console does: MediaLive's own StopChannel, not this API's stop.
    await rt.runtime.services.medialive.send(new StopChannelCommand({ ChannelId: channelId }));
    const shown = await rt.until(id, 'idle after the channel was stopped outside the API', (r) => r.state === 'idle', SHOWN_WITHIN_MS);

    expect(shown).toMatchObject({ state: 'idle', started: false, stop_reason: 'aws', input_connected: null, last_error: null });
    expect(Number(shown.last_stopped)).toBeGreaterThanOrEqual(Number(shown.last_started));
    // The record may say so while the channel is still STOPPING; it is on its way to IDLE.
    expect(await waitFor(async () => ((await channelState(channelId)) === 'IDLE' ? true : undefined), SHOWN_WITHIN_MS)).toBe(true);
    // The stream is usable again: the next start is this API's as ever.
    expect((await rt.api('POST', `/streams/${id}/start`, {})).status).toBe(202);
    await rt.untilState(id, 'running');
    expect((await rt.api('POST', `/streams/${id}/stop`, {})).status).toBe(202);
    await rt.untilState(id, 'idle');
  }, 3 * STEP_MS);

  it('has the reconciler stop a channel that runs under a record saying idle, and say so on the record', async () => {
    const id = await aRunningStream();
    const { live_channel_id: channelId } = await rt.record(id);

    // A record that lost track of its channel: it says idle while the channel runs.
    await rt.runtime.services.store.mutate(id, () => ({ state: 'idle', started: false }));
    const stopped = await waitFor(async () => ((await channelState(channelId)) === 'IDLE' ? true : undefined), SHOWN_WITHIN_MS);

    expect(stopped).toBe(true);
    expect((await rt.record(id)).last_error).toMatchObject({ action: 'reconcile', message: expect.stringContaining(`channel ${channelId} was RUNNING`) });
  }, 3 * STEP_MS);
});
