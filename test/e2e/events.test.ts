import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { EVENT_SOURCE, StreamEventSchema, type StreamEvent } from '../../core/domain/events';
import type { BusEvent } from '../../local/eventbridge';
import { recordOf } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

let local: TestRuntime;
const seen: BusEvent[] = [];

beforeAll(async () => {
  local = await startTestRuntime('events');
  // A rule on the system's source, as a user's (or the webhooks') would be in the cloud.
  local.runtime.bus.subscribe({ source: [EVENT_SOURCE] }, (event) => void seen.push(event));
}, 120_000);

afterAll(async () => local?.close(), 120_000);

function eventsOf(streamId: string): StreamEvent[] {
  return seen.map((event) => StreamEventSchema.parse(event.detail)).filter((event) => event.stream_id === streamId);
}

describe('stream events on the local bus, from the record\'s own writes', () => {
  it(
    'create → start → stop yields stream.created, starting, running, stopping, idle in order, each id once, no key in any',
    async () => {
      const { api, untilState } = local;
      const id = recordOf(await api('POST', '/streams', { name: 'events e2e' })).id;
      await untilState(id, 'idle');
      expect((await api('POST', `/streams/${id}/start`, {})).status).toBe(202);
      const running = await untilState(id, 'running');
      expect((await api('POST', `/streams/${id}/stop`)).status).toBe(202);
      await untilState(id, 'idle');

      // The record is written before its events go out (as a stream's records follow their writes):
      // wait for the last one, then judge the whole sequence.
      expectWithMessage(await waitFor(() => Promise.resolve(eventsOf(id).some((e) => e.kind === 'stream.idle')), STEP_MS), 'stream.idle never reached the bus').toBe(true);
      const events = eventsOf(id);
      expect(events.map((e) => e.kind)).toEqual(['stream.created', 'stream.starting', 'stream.running', 'stream.stopping', 'stream.idle']);
      // Stable ids: the stream, the version of the write that made the change, the kind, in write order.
      const versions = events.map((e) => Number(new RegExp(`^${id}:v(\\d+):${e.kind}$`).exec(e.id)?.[1]));
      expect(versions.every((v) => v > 1)).toBe(true);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(new Set(versions).size).toBe(events.length);
      // The envelope as EventBridge routes it: the source, one detail-type per kind, the channel as the resource.
      const onBus = seen.filter((e) => (e.detail as StreamEvent).stream_id === id);
      expect(onBus.map((e) => e['detail-type'])).toEqual(events.map((e) => e.kind));
      expect(onBus[0].resources).toEqual([expect.stringMatching(new RegExp(`:medialive:[^:]+:\\d+:channel:${running.live_channel_id}$`))]);
      expect(events.find((e) => e.kind === 'stream.running')!.data).toMatchObject({ state: 'running', previous_state: 'starting', session_id: running.current_session_id });
      const keys = [running.rtmp1, running.rtmp2].map((url) => url.slice(url.lastIndexOf('/') + 1));
      for (const key of keys) expect(JSON.stringify(onBus)).not.toContain(key);
    },
    4 * STEP_MS,
  );
});
