import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listWebhooks, putWebhook } from '../../../core/aws/webhook-store';
import type { Webhook } from '../../../core/domain/webhook';
import { startWebhookTables, type WebhookTables } from '../../fixtures/webhooks';

let tables: WebhookTables;

beforeAll(async () => {
  tables = await startWebhookTables({});
});
afterAll(() => tables.dynamo.close());

describe('the webhook store (over dynalite)', () => {
  it('lists webhooks without their secrets: the scan never fetches one (the list route and the fan-out read it)', async () => {
    const webhook: Webhook = {
      webhook_id: 'a'.repeat(32),
      url: 'https://hooks.example.com/fm',
      events: ['stream.running', 'stream.idle'],
      description: 'on-call',
      created_at: '2026-12-02T06:00:00.000Z',
      secret: 'whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    };
    await putWebhook(tables, webhook);

    const { secret: _secret, ...view } = webhook;
    expect(await listWebhooks(tables)).toEqual([view]);
  });
});
