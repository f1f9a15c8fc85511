import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EVENT_KINDS } from '../../../core/domain/events';
import { WEBHOOK_DELIVERY_TABLE, WEBHOOK_TABLE } from '../../../core/aws/tables';
import { recordAttempt } from '../../../core/aws/webhook-store';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { loadConfig } from '../../../core/lambda/config';
import { ensureTable } from '../../../local/dynamodb';
import { errorOf } from '../../fixtures/api-reply';
import { ApiHarness } from './harness';

const CLOUD = new ApiHarness();
const LOCAL = new ApiHarness();
const TABLES = { WEBHOOKS_TABLE_NAME: 'webhooks', WEBHOOK_DELIVERIES_TABLE_NAME: 'deliveries' };

async function withTables(h: ApiHarness, env: Record<string, string>) {
  await h.start({ ...TABLES, ...env });
  await ensureTable(h.dynamo.client, 'webhooks', WEBHOOK_TABLE.partitionKey);
  await ensureTable(h.dynamo.client, 'deliveries', WEBHOOK_DELIVERY_TABLE.partitionKey, WEBHOOK_DELIVERY_TABLE.sortKey);
}

async function storedWebhooks(h: ApiHarness): Promise<unknown[]> {
  return (await documentClient(h.dynamo.client).send(new ScanCommand({ TableName: 'webhooks' }))).Items ?? [];
}

beforeAll(async () => {
  await withTables(CLOUD, {});
  await withTables(LOCAL, { WEBHOOK_LOOPBACK_HTTP: 'true' });
});
afterAll(async () => {
  await CLOUD.stop();
  await LOCAL.stop();
});
beforeEach(async () => {
  for (const h of [CLOUD, LOCAL]) {
    for (const webhook of (await h.call('GET', '/webhooks')).body as { webhook_id: string }[]) {
      await h.call('DELETE', `/webhooks/${webhook.webhook_id}`);
    }
  }
});

describe('POST /webhooks', () => {
  it('registers a webhook for every kind by default and shows the secret once', async () => {
    // Act
    const res = await CLOUD.call('POST', '/webhooks', { url: 'https://93.184.216.34/hook', description: 'ops' });
    // Assess
    expect(res.status).toBe(201);
    const created = res.body as Record<string, unknown>;
    expect(created).toMatchObject({ url: 'https://93.184.216.34/hook', events: [...EVENT_KINDS], description: 'ops' });
    expect(created.webhook_id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = (await CLOUD.call('GET', '/webhooks')).body as Record<string, unknown>[];
    expect(listed).toEqual([{ webhook_id: created.webhook_id, url: created.url, events: created.events, description: 'ops', created_at: created.created_at }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('keeps the kinds asked for, each once', async () => {
    const res = await CLOUD.call('POST', '/webhooks', { url: 'https://93.184.216.34/hook', events: ['stream.idle', 'stream.running', 'stream.idle'] });
    expect(res.status).toBe(201);
    expect((res.body as { events: string[] }).events).toEqual(['stream.running', 'stream.idle']);
  });

  it.each([
    [{ url: 'https://93.184.216.34/hook', events: ['stream.running', 'stream.exploded'] }, 'events.1'],
    [{ url: 'https://93.184.216.34/hook', events: [] }, 'events'],
    [{ url: 'not a url' }, 'url'],
    [{ url: 'http://93.184.216.34/hook' }, 'url'],
    [{ url: 'http://127.0.0.1:9000/hook' }, 'url'],
    [{ url: 'https://169.254.169.254/latest/meta-data/' }, 'url'],
    [{ url: 'https://10.0.0.8/hook' }, 'url'],
    [{ url: 'https://192.168.1.20/hook' }, 'url'],
    [{ url: 'https://[fd00::1]/hook' }, 'url'],
    [{ url: 'https://[::1]/hook' }, 'url'],
    [{ url: 'https://localhost/hook' }, 'url'],
    [{ url: 'https://93.184.216.34/hook', secret: 'mine' }, 'secret'],
  ])('refuses %j with a 400 naming %s, storing nothing', async (body, field) => {
    // Act
    const res = await CLOUD.call('POST', '/webhooks', body);
    // Assess
    CLOUD.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    expect(await storedWebhooks(CLOUD)).toEqual([]);
  });

  it('takes plain HTTP to 127.0.0.1 in the local runtime only, and nothing else plain', async () => {
    expect((await LOCAL.call('POST', '/webhooks', { url: 'http://127.0.0.1:9000/hook' })).status).toBe(201);
    for (const url of ['http://localhost:9000/hook', 'http://10.0.0.1/hook', 'https://10.0.0.1/hook']) {
      const res = await LOCAL.call('POST', '/webhooks', { url });
      LOCAL.expectError(res, 400, 'ValidationError');
      expect(errorOf(res).details?.map((d) => d.path)).toEqual(['url']);
    }
    expect(await storedWebhooks(LOCAL)).toHaveLength(1);
  });
});

describe('DELETE /webhooks/{id} and GET /webhooks/{id}/deliveries', () => {
  it('deletes a webhook (204), then 404s', async () => {
    const { webhook_id } = (await CLOUD.call('POST', '/webhooks', { url: 'https://93.184.216.34/hook' })).body as { webhook_id: string };
    expect((await CLOUD.call('DELETE', `/webhooks/${webhook_id}`)).status).toBe(204);
    CLOUD.expectError(await CLOUD.call('DELETE', `/webhooks/${webhook_id}`), 404, 'NotFound');
    CLOUD.expectError(await CLOUD.call('GET', `/webhooks/${webhook_id}/deliveries`), 404, 'NotFound');
    expect((await CLOUD.call('GET', '/webhooks')).body).toEqual([]);
  });

  it('refuses a malformed id with a 400 naming path.id', async () => {
    const res = await CLOUD.call('DELETE', '/webhooks/nope');
    CLOUD.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toEqual(['path.id']);
  });

  it('lists deliveries newest first, tries numbered in order', async () => {
    // Prepare: two deliveries, the older with two tries
    const { webhook_id } = (await CLOUD.call('POST', '/webhooks', { url: 'https://93.184.216.34/hook' })).body as { webhook_id: string };
    const deps = { dynamodb: documentClient(CLOUD.dynamo.client), config: loadConfig(TABLES) };
    const older = { delivery_id: 'd-old', event_id: 'e-1', kind: 'stream.running' as const, started_at: '2026-12-02T06:00:00.000Z' };
    const newer = { delivery_id: 'd-new', event_id: 'e-2', kind: 'stream.idle' as const, started_at: '2026-12-02T06:05:00.000Z' };
    const failed = { at: '2026-12-02T06:00:00.100Z', status: 'failed' as const, http_status: 500, error: 'the receiver answered 500' };
    await recordAttempt(deps, { webhookId: webhook_id, delivery: older, attempt: failed, status: 'pending' });
    await recordAttempt(deps, { webhookId: webhook_id, delivery: newer, attempt: { ...failed, status: 'delivered', http_status: 200, error: null }, status: 'delivered' });
    await recordAttempt(deps, { webhookId: webhook_id, delivery: older, attempt: { ...failed, at: '2026-12-02T06:00:30.000Z', status: 'delivered', http_status: 204, error: null }, status: 'delivered' });
    // Act
    const res = await CLOUD.call('GET', `/webhooks/${webhook_id}/deliveries`);
    // Assess
    expect(res.status).toBe(200);
    const deliveries = res.body as { delivery_id: string; status: string; attempts: { attempt: number; http_status: number }[] }[];
    expect(deliveries.map((d) => [d.delivery_id, d.status])).toEqual([['d-new', 'delivered'], ['d-old', 'delivered']]);
    expect(deliveries[1].attempts.map((a) => [a.attempt, a.http_status])).toEqual([[1, 500], [2, 204]]);
  });
});
