import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookDeliveryFailed } from '../../../core/domain/errors';
import { WEBHOOK_HEADERS, webhookSignature, type Webhook } from '../../../core/domain/webhook';
import { listDeliveries, putWebhook } from '../../../core/aws/webhook-store';
import { postWebhook } from '../../../core/aws/webhook-http';
import { run } from '../../../tasks/deliver-webhook';
import { sampleEvent, startReceiver, startWebhookTables, type Answer, type Receiver, type WebhookTables } from '../../fixtures/webhooks';

const NOW = new Date('2026-12-02T06:00:00.000Z');
const SECRET = 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
let tables: WebhookTables;
let receiver: Receiver | undefined;

beforeAll(async () => {
  tables = await startWebhookTables({ WEBHOOK_LOOPBACK_HTTP: 'true' });
});
afterAll(() => tables.dynamo.close());
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

let counter = 0;
async function webhookAt(answer: Answer): Promise<Webhook> {
  receiver = await startReceiver(answer);
  const webhook: Webhook = {
    webhook_id: (++counter).toString(16).padStart(32, '0'),
    url: receiver.url,
    events: ['stream.running'],
    description: '',
    created_at: NOW.toISOString(),
    secret: SECRET,
  };
  await putWebhook(tables, webhook);
  return webhook;
}

const deps = () => ({ ...tables, now: () => NOW });
const input = (webhook: Webhook, max_attempts = 3) => ({
  webhook_id: webhook.webhook_id,
  event: sampleEvent(),
  delivery_id: `${webhook.webhook_id}-d`,
  started_at: NOW.toISOString(),
  max_attempts,
});

describe('deliver-webhook', () => {
  it('POSTs the event as JSON, signed over {timestamp}.{body}, and records the 2xx', async () => {
    // Prepare
    const webhook = await webhookAt(() => 204);
    // Act
    const out = await run(input(webhook), deps());
    // Assess
    expect(out).toEqual({ delivered: true, attempt: 1, http_status: 204 });
    const [request] = receiver!.received;
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual(sampleEvent());
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers[WEBHOOK_HEADERS.eventId]).toBe(sampleEvent().id);
    const timestamp = Number(request.headers[WEBHOOK_HEADERS.timestamp]);
    expect(timestamp).toBe(NOW.getTime() / 1000);
    expect(request.headers[WEBHOOK_HEADERS.signature]).toBe(webhookSignature(SECRET, timestamp, request.body));
    const [delivery] = await listDeliveries(tables, webhook.webhook_id);
    expect(delivery).toMatchObject({ status: 'delivered', event_id: sampleEvent().id, kind: 'stream.running' });
    expect(delivery.attempts).toEqual([{ attempt: 1, at: NOW.toISOString(), status: 'delivered', http_status: 204, error: null }]);
  });

  it('fails a non-2xx with the retryable WebhookDeliveryFailed, recorded, the secret in neither', async () => {
    // Prepare
    const webhook = await webhookAt(() => 500);
    // Act
    const failure = await run(input(webhook), deps()).catch((err: unknown) => err);
    // Assess
    expect(failure).toBeInstanceOf(WebhookDeliveryFailed);
    expect((failure as Error).name).toBe('WebhookDeliveryFailed');
    expect((failure as Error).message).toBe('attempt 1 of 3: the receiver answered 500');
    const deliveries = await listDeliveries(tables, webhook.webhook_id);
    expect(deliveries[0]).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, status: 'failed', http_status: 500, error: 'the receiver answered 500' }] });
    expect(JSON.stringify([deliveries, String(failure)])).not.toContain(SECRET);
  });

  it('fails (retryably) a receiver that is gone, and records why', async () => {
    const webhook = await webhookAt(() => 200);
    await receiver!.close();
    receiver = undefined;
    await expect(run(input(webhook), deps())).rejects.toThrow(/ECONNREFUSED/);
    const [delivery] = await listDeliveries(tables, webhook.webhook_id);
    expect(delivery.attempts[0]).toMatchObject({ status: 'failed', http_status: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('ends quietly when the webhook was deleted', async () => {
    const out = await run({ ...input({ webhook_id: 'f'.repeat(32) } as Webhook) }, deps());
    expect(out).toEqual({ delivered: false, skipped: `webhook ${'f'.repeat(32)} was deleted` });
  });

  it('refuses plain HTTP when the setting is off (the cloud), before connecting', async () => {
    const webhook = await webhookAt(() => 200);
    const cloud = { ...deps(), config: { ...tables.config, WEBHOOK_LOOPBACK_HTTP: false } };
    await expect(run(input(webhook), cloud)).rejects.toThrow('webhook URL refused: must be https');
    expect(receiver!.received).toEqual([]);
  });
});

describe('postWebhook', () => {
  it('gives up on a receiver that does not answer in time', async () => {
    // Prepare: a receiver that takes the request and never answers
    receiver = await startReceiver(() => 'hang');
    // Act
    const failure = postWebhook(new URL(receiver.url), '{}', {}, { rules: { allowLoopbackHttp: true }, timeoutMs: 300 });
    // Assess
    await expect(failure).rejects.toThrow(/ETIMEDOUT: no response within 300 ms/);
    await expect(failure).rejects.toBeInstanceOf(WebhookDeliveryFailed);
  });

  it('refuses, at the connection, a host name that resolves to a non-public address', async () => {
    // `localhost` resolves (from /etc/hosts, no network) to 127.0.0.1: a name re-pointed at a
    // private address after registration is refused the same way.
    receiver = await startReceiver(() => 200);
    const port = new URL(receiver.url).port;
    await expect(
      postWebhook(new URL(`https://localhost:${port}/hook`), '{}', {}, { rules: { allowLoopbackHttp: true }, timeoutMs: 2000 }),
    ).rejects.toThrow(/EADDRBLOCKED: localhost resolves to a non-public address/);
    expect(receiver.received).toEqual([]);
  });
});
