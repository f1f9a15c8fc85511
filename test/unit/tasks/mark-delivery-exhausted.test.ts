import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listDeliveries, recordAttempt } from '../../../core/aws/webhook-store';
import { Conflict } from '../../../core/domain/errors';
import { run } from '../../../tasks/mark-delivery-exhausted';
import { sampleEvent, startWebhookTables, type WebhookTables } from '../../fixtures/webhooks';

const NOW = new Date('2026-12-02T06:00:00.000Z');
let tables: WebhookTables;

beforeAll(async () => {
  tables = await startWebhookTables({});
});
afterAll(() => tables.dynamo.close());

const deps = () => ({ ...tables, now: () => NOW });
const input = (webhookId: string, error: string) => ({
  webhook_id: webhookId,
  event: sampleEvent(),
  delivery_id: `${webhookId}-d`,
  started_at: NOW.toISOString(),
  error,
});

describe('mark-delivery-exhausted', () => {
  it('marks a delivery whose last try failed (and recorded itself) exhausted, adding no try', async () => {
    // Prepare: one recorded failed try
    const webhookId = 'a'.repeat(32);
    const delivery = { delivery_id: `${webhookId}-d`, event_id: sampleEvent().id, kind: sampleEvent().kind, started_at: NOW.toISOString() };
    const attempt = { at: NOW.toISOString(), status: 'failed' as const, http_status: 502, error: 'the receiver answered 502' };
    await recordAttempt(tables, { webhookId, delivery, attempt, status: 'pending' });
    // Act
    await run(input(webhookId, 'WebhookDeliveryFailed'), deps());
    // Assess
    const [stored] = await listDeliveries(tables, webhookId);
    expect(stored.status).toBe('exhausted');
    expect(stored.attempts.map((a) => a.http_status)).toEqual([502]);
  });

  it('records a try that never ended (the Task timed out) as failed, naming the error, on a delivery no try recorded', async () => {
    // Act
    const webhookId = 'b'.repeat(32);
    await run(input(webhookId, 'States.Timeout'), deps());
    // Assess
    const [stored] = await listDeliveries(tables, webhookId);
    expect(stored).toMatchObject({ status: 'exhausted', event_id: sampleEvent().id, kind: sampleEvent().kind });
    expect(stored.attempts).toEqual([{ attempt: 1, at: NOW.toISOString(), status: 'failed', http_status: null, error: 'the try did not end: States.Timeout' }]);
  });

  it('takes no try after the delivery is exhausted (a try that outlived its Task), and is safe to run again', async () => {
    // Prepare
    const webhookId = 'c'.repeat(32);
    await run(input(webhookId, 'States.Timeout'), deps());
    const delivery = { delivery_id: `${webhookId}-d`, event_id: sampleEvent().id, kind: sampleEvent().kind, started_at: NOW.toISOString() };
    const late = { at: NOW.toISOString(), status: 'delivered' as const, http_status: 200, error: null };
    // Act
    const recorded = recordAttempt(tables, { webhookId, delivery, attempt: late, status: 'delivered' });
    await run(input(webhookId, 'States.Timeout'), deps());
    // Assess
    await expect(recorded).rejects.toBeInstanceOf(Conflict);
    const [stored] = await listDeliveries(tables, webhookId);
    expect(stored.status).toBe('exhausted');
    expect(stored.attempts).toHaveLength(1);
  });
});
