import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { WEBHOOK_HEADERS } from '../../core/domain/webhook';
import type { StreamEvent } from '../../core/domain/events';
import { recordOf } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';
import { loadDocumentedVerify, type VerifyWebhook } from '../fixtures/webhook-doc';
import { startReceiver, type Receiver } from '../fixtures/webhooks';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

// Issue 13, done when: "a webhook registered on a local HTTP server receives signed stream.running
// and stream.idle deliveries that verify with the documented snippet, and a failing receiver is
// retried". The events come from the runtime itself (the record's writes → the change-stream
// stand-in → PutEvents → the bus → the fan-out → the delivery workflow), nothing is injected.

let local: TestRuntime;
let verify: VerifyWebhook;
let receiver: Receiver;
let flaky: Receiver;

beforeAll(async () => {
  verify = await loadDocumentedVerify();
  receiver = await startReceiver(() => 204);
  // Fails its first two deliveries (500), then takes them.
  flaky = await startReceiver((n) => (n < 2 ? 500 : 200));
  local = await startTestRuntime('webhooks');
}, 120_000);

afterAll(async () => {
  await local?.close();
  await receiver?.close();
  await flaky?.close();
}, 120_000);

async function register(url: string, events: string[]): Promise<{ webhook_id: string; secret: string }> {
  const res = await local.api('POST', '/webhooks', { url, events });
  expect(res.status).toBe(201);
  return res.body as { webhook_id: string; secret: string };
}

describe('webhooks, end to end in the local runtime', () => {
  it(
    'delivers signed stream.running and stream.idle to a receiver, and retries a failing one until it takes them',
    async () => {
      // Prepare
      const { api, untilState } = local;
      const good = await register(receiver.url, ['stream.running', 'stream.idle']);
      const retried = await register(flaky.url, ['stream.running']);
      const listed = await api('GET', '/webhooks');
      expect(JSON.stringify(listed.body)).not.toContain(good.secret);

      // Act: a stream's whole session through the API
      const id = recordOf(await api('POST', '/streams', { name: 'webhooks e2e' })).id;
      await untilState(id, 'idle');
      expect((await api('POST', `/streams/${id}/start`, {})).status).toBe(202);
      await untilState(id, 'running');
      expect((await api('POST', `/streams/${id}/stop`)).status).toBe(202);
      await untilState(id, 'idle');

      // Assess: the receiver got the two kinds it subscribed to, each once (the stream's other events,
      // created, starting, stopping, are not for it), each verifying with the documented snippet.
      const kindsOf = (r: Receiver) => r.received.map((req) => (JSON.parse(req.body) as StreamEvent).kind);
      expectWithMessage(
        await waitFor(() => Promise.resolve(kindsOf(receiver).includes('stream.idle') && kindsOf(receiver).includes('stream.running')), STEP_MS),
        `stream.running and stream.idle never reached the receiver (got ${kindsOf(receiver).join(', ')})`,
      ).toBe(true);
      expectWithMessage(await waitFor(() => Promise.resolve(flaky.received.length >= 3), STEP_MS), `the failing receiver got ${flaky.received.length} tries, not 3`).toBe(true);
      const events = receiver.received.map((req) => verify(good.secret, req.headers, req.body) as StreamEvent);
      expect(events.every((e) => e.stream_id === id)).toBe(true);
      expect(events.map((e) => e.kind).sort()).toEqual(['stream.idle', 'stream.running']);
      for (const [i, req] of receiver.received.entries()) expect(req.headers[WEBHOOK_HEADERS.eventId]).toBe(events[i].id);
      // Signed with this webhook's secret, not another's.
      expect(() => verify(retried.secret, receiver.received[0].headers, receiver.received[0].body)).toThrow('webhook signature does not match');

      // The failing receiver: three tries of the one running event, the same id each time, the last taken.
      const runningIds = new Set(flaky.received.map((req) => (verify(retried.secret, req.headers, req.body) as StreamEvent).id));
      expect(runningIds.size).toBe(1);
      const delivered = await waitFor(async () => {
        const res = await api('GET', `/webhooks/${retried.webhook_id}/deliveries`);
        return (res.body as { status: string }[])[0]?.status === 'delivered';
      }, STEP_MS);
      expectWithMessage(delivered, 'the retried delivery never showed delivered').toBe(true);
      const [delivery] = (await api('GET', `/webhooks/${retried.webhook_id}/deliveries`)).body as {
        kind: string;
        status: string;
        attempts: { attempt: number; status: string; http_status: number }[];
      }[];
      expect(delivery.kind).toBe('stream.running');
      expect(delivery.attempts.map((a) => [a.attempt, a.status, a.http_status])).toEqual([
        [1, 'failed', 500],
        [2, 'failed', 500],
        [3, 'delivered', 200],
      ]);
    },
    4 * STEP_MS,
  );
});
