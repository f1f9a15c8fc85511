import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness, type Response } from './harness';
import { errorOf, recordOf } from '../../fixtures/api-reply';

/**
 * Concurrent requests on one stream, through the real API handler on a real StreamStore (dynalite,
 * whose conditional writes are what decide the races), with Step Functions mocked. Issue 9 items 5
 * and 6: a request without `version` never loses to an optimistic-lock conflict (409 only for a
 * real state conflict or a stale `version`), and a claim has exactly one winner.
 */
const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const statuses = (replies: Response[]) =>
  replies.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

const many = <T>(n: number, call: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => call(i)));

describe('concurrent requests on one stream', () => {
  it('100 concurrent starts of an idle stream: exactly one 202 and one execution, the rest 409 naming the state', async () => {
    const stream = await h.seed();

    const replies = await many(100, () => h.call('POST', `/streams/${stream.id}/start`));

    expect(statuses(replies)).toEqual({ 202: 1, 409: 99 });
    for (const lost of replies.filter((r) => r.status === 409)) expect(errorOf(lost).message).toMatch(/'starting'/);
    expect(h.startCalls()).toHaveLength(1);
    const stored = await h.store.get(stream.id);
    expect(stored).toMatchObject({ state: 'starting', claimed_by: h.startCalls()[0].name });
  });

  it('concurrent chime_starts of a running stream: exactly one takes the connector slot', async () => {
    const stream = await h.seed({ state: 'running', started: true });

    const replies = await many(30, () => h.call('POST', `/streams/${stream.id}/chime_start`, { chime_url: 'https://app.chime.aws/portal/123' }));

    expect(statuses(replies)).toEqual({ 202: 1, 409: 29 });
    expect(h.startCalls()).toHaveLength(1);
    expect((await h.store.get(stream.id))?.connector_execution).toBe(h.startCalls()[0].name);
  });

  it('25 concurrent updates without version all succeed; the record holds one of them whole', async () => {
    const stream = await h.seed();

    const replies = await many(25, (i) => h.call('POST', `/streams/${stream.id}`, { name: `name ${i}`, description: `description ${i}` }));

    expect(statuses(replies)).toEqual({ 200: 25 });
    const stored = (await h.store.get(stream.id))!;
    const winner = Number(stored.name.replace('name ', ''));
    expect(stored.description).toBe(`description ${winner}`);
    // Each request wrote once: the stream moved one version per update.
    expect(stored.version).toBe(stream.version + 25);
  });

  it('N concurrent updates with the same version: exactly one wins, the others 409', async () => {
    const stream = await h.seed();

    const replies = await many(20, (i) => h.call('POST', `/streams/${stream.id}`, { name: `name ${i}`, version: stream.version }));

    expect(statuses(replies)).toEqual({ 200: 1, 409: 19 });
    const winner = replies.find((r) => r.status === 200)!;
    expect((await h.store.get(stream.id))?.name).toBe(recordOf(winner).name);
  });

  it('a start alongside 20 unversioned updates still starts the stream', async () => {
    const stream = await h.seed();

    const [start, ...updates] = await Promise.all([
      h.call('POST', `/streams/${stream.id}/start`),
      ...Array.from({ length: 20 }, (_, i) => h.call('POST', `/streams/${stream.id}`, { description: `d${i}` })),
    ]);

    expect(start.status).toBe(202);
    expect(statuses(updates)).toEqual({ 200: 20 });
    expect((await h.store.get(stream.id))?.state).toBe('starting');
  });

  it('concurrent live and unlive never answer 409', async () => {
    const stream = await h.seed();

    const replies = await many(40, (i) => h.call(i % 2 ? 'DELETE' : 'POST', `/streams/${stream.id}/live`));

    expect(statuses(replies)).toEqual({ 204: 40 });
  });

  it('50 concurrent deletes: one delete execution, every caller 202 with the record deleting', async () => {
    const stream = await h.seed();

    const replies = await many(50, () => h.call('DELETE', `/streams/${stream.id}`));

    expect(statuses(replies)).toEqual({ 202: 50 });
    for (const r of replies) expect(recordOf(r).state).toBe('deleting');
    expect(h.startCalls()).toHaveLength(1);
  });

  it('a delete of a stream already deleting is 202 with the record, starting nothing', async () => {
    const stream = await h.seed({ state: 'deleting' });

    const res = await h.call('DELETE', `/streams/${stream.id}`);

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: stream.id, state: 'deleting', version: stream.version });
    expect(h.startCalls()).toEqual([]);
  });

  it('creates with one Idempotency-Key sent 20 times at once: one stream, every caller the first answer', async () => {
    const key = `create-${Date.now()}`;
    const before = (await h.store.list()).length;

    const replies = await many(20, () => h.call('POST', '/streams', { name: 'once' }, { 'Idempotency-Key': key }));

    // The create workflow is mocked, so the stream stays `creating`: the first answer is a 202.
    expect(statuses(replies)).toEqual({ 202: 20 });
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(replies.filter((r) => r.headers['Idempotent-Replayed'] === 'true')).toHaveLength(19);
    expect((await h.store.list()).length).toBe(before + 1);
    expect(h.startCalls()).toHaveLength(1);
  });
});
