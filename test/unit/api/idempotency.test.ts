import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness } from './harness';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

let n = 0;
const freshKey = () => `key-${Date.now()}-${n++}`;

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, starting nothing new', async () => {
    const stream = await h.seed();
    const key = freshKey();

    const first = await h.call('POST', `/streams/${stream.id}/start`, { startover_window_seconds: 60 }, { 'Idempotency-Key': key });
    const stored = await h.store.get(stream.id);
    const again = await h.call('POST', `/streams/${stream.id}/start`, { startover_window_seconds: 60 }, { 'idempotency-key': key });

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(h.startCalls()).toHaveLength(1);
    expect(await h.store.get(stream.id)).toEqual(stored);
  });

  it('compares bodies as JSON: key order does not matter', async () => {
    const stream = await h.seed();
    const key = freshKey();
    await h.call('POST', `/streams/${stream.id}/start`, '{"startover_window_seconds":60,"key_rotation_interval":0}', { 'Idempotency-Key': key });

    const again = await h.call('POST', `/streams/${stream.id}/start`, '{"key_rotation_interval":0,"startover_window_seconds":60}', { 'Idempotency-Key': key });

    expect(again.status).toBe(202);
    expect(h.startCalls()).toHaveLength(1);
  });

  it('409s the same key with a different body, and does nothing', async () => {
    const stream = await h.seed();
    const key = freshKey();
    await h.call('POST', `/streams/${stream.id}/start`, { startover_window_seconds: 60 }, { 'Idempotency-Key': key });
    const after = await h.store.get(stream.id);

    const res = await h.call('POST', `/streams/${stream.id}/start`, { startover_window_seconds: 61 }, { 'Idempotency-Key': key });

    h.expectError(res, 409, 'StateConflict', /already used for this route with a different body/);
    expect(h.startCalls()).toHaveLength(1);
    expect(await h.store.get(stream.id)).toEqual(after);
  });

  it('keys by method and path too: the same key on another stream is another request', async () => {
    const a = await h.seed();
    const b = await h.seed();
    const key = freshKey();

    await h.call('POST', `/streams/${a.id}/start`, undefined, { 'Idempotency-Key': key });
    const res = await h.call('POST', `/streams/${b.id}/start`, undefined, { 'Idempotency-Key': key });

    expect(res.status).toBe(202);
    expect(h.startCalls().map((c) => c.name)).toEqual([`start-${a.id}-v2`, `start-${b.id}-v2`]);
  });

  it('replays a 4xx too (the request was answered), but not a 5xx (a retry tries again)', async () => {
    const stream = await h.seed({ state: 'running' });
    const key = freshKey();
    const conflict = await h.call('POST', `/streams/${stream.id}/start`, undefined, { 'Idempotency-Key': key });
    await h.store.update(stream.id, stream.version, { state: 'idle' });
    const replayed = await h.call('POST', `/streams/${stream.id}/start`, undefined, { 'Idempotency-Key': key });
    expect([conflict.status, replayed.status]).toEqual([409, 409]);
    expect(replayed.headers['Idempotent-Replayed']).toBe('true');

    const retryKey = freshKey();
    h.sfnMock.on(StartExecutionCommand).rejectsOnce(new Error('down'));
    const failed = await h.call('POST', `/streams/${stream.id}/start`, undefined, { 'Idempotency-Key': retryKey });
    h.resetSfn();
    const retried = await h.call('POST', `/streams/${stream.id}/start`, undefined, { 'Idempotency-Key': retryKey });
    expect([failed.status, retried.status]).toEqual([500, 202]);
  });

  it('works for DELETE and for short actions', async () => {
    const stream = await h.seed();
    const key = freshKey();

    const first = await h.call('DELETE', `/streams/${stream.id}/live`, undefined, { 'Idempotency-Key': key });
    const again = await h.call('DELETE', `/streams/${stream.id}/live`, undefined, { 'Idempotency-Key': key });

    expect([first.status, again.status]).toEqual([204, 204]);
    expect(h.startCalls()).toHaveLength(1);
    expect(h.sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });

  it('is ignored on GET', async () => {
    const stream = await h.seed();
    const res = await h.call('GET', `/streams/${stream.id}`, undefined, { 'Idempotency-Key': 'x'.repeat(500) });
    expect(res.status).toBe(200);
  });

  it.each(['', 'x'.repeat(129), 'tab\there', 'ünïcode'])('400s a key that is not 1–128 printable chars (%j)', async (key) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/start`, undefined, { 'Idempotency-Key': key });

    h.expectError(res, 400, 'ValidationError', /Idempotency-Key/);
    await h.expectUnchanged(stream);
  });
});
