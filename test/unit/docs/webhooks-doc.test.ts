import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { putWebhook } from '../../../core/aws/webhook-store';
import { WEBHOOK_HEADERS, newWebhookSecret } from '../../../core/domain/webhook';
import { run } from '../../../tasks/deliver-webhook';
import { loadDocumentedVerify, type VerifyWebhook } from '../../fixtures/webhook-doc';
import { sampleEvent, startReceiver, startWebhookTables, type Received, type WebhookTables } from '../../fixtures/webhooks';

// docs/WEBHOOKS.md's verification snippet, extracted from the doc and run on a real delivery: a
// change of the signing (or of the doc) that breaks receivers fails here.

const NOW = new Date();
const SECRET = newWebhookSecret();
let tables: WebhookTables;
let verify: VerifyWebhook;
let delivered: Received;

beforeAll(async () => {
  verify = await loadDocumentedVerify();
  tables = await startWebhookTables({ WEBHOOK_LOOPBACK_HTTP: 'true' });
  const receiver = await startReceiver(() => 200);
  try {
    const webhook_id = 'd0c'.padEnd(32, '0');
    await putWebhook(tables, { webhook_id, url: receiver.url, events: ['stream.running'], description: '', created_at: NOW.toISOString(), secret: SECRET });
    await run({ webhook_id, event: sampleEvent(), delivery_id: 'doc', started_at: NOW.toISOString(), max_attempts: 1 }, { ...tables, now: () => NOW });
    [delivered] = receiver.received;
  } finally {
    await receiver.close();
  }
});
afterAll(() => tables.dynamo.close());

describe('docs/WEBHOOKS.md verification snippet', () => {
  it('accepts a real delivery and returns its event', () => {
    expect(verify(SECRET, delivered.headers, delivered.body, { now: NOW.getTime() })).toEqual(sampleEvent());
  });

  it('refuses a tampered body, another secret, or a forged signature', () => {
    const tampered = delivered.body.replace('running', 'idle');
    expect(() => verify(SECRET, delivered.headers, tampered, { now: NOW.getTime() })).toThrow('webhook signature does not match');
    expect(() => verify(newWebhookSecret(), delivered.headers, delivered.body, { now: NOW.getTime() })).toThrow('webhook signature does not match');
    const forged = { ...delivered.headers, [WEBHOOK_HEADERS.signature]: 'ab'.repeat(32) };
    expect(() => verify(SECRET, forged, delivered.body, { now: NOW.getTime() })).toThrow('webhook signature does not match');
  });

  it('refuses a stale timestamp (a replay), and a missing one', () => {
    expect(() => verify(SECRET, delivered.headers, delivered.body, { now: NOW.getTime() + 301_000 })).toThrow('webhook timestamp missing or stale');
    const { [WEBHOOK_HEADERS.timestamp]: _t, ...without } = delivered.headers;
    expect(() => verify(SECRET, without, delivered.body, { now: NOW.getTime() })).toThrow('webhook timestamp missing or stale');
  });

  it('documents the header names the deliveries send', () => {
    const doc = readFileSync(new URL('../../../docs/WEBHOOKS.md', import.meta.url), 'utf8').toLowerCase();
    for (const header of Object.values(WEBHOOK_HEADERS)) {
      expect(delivered.headers[header]).toBeDefined();
      expect(doc).toContain(`\`${header}\``);
    }
  });
});
