import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../../api/http';
import { StreamRecordSchema } from '../../../core/domain/record';
import { errorOf } from '../../fixtures/api-reply';
import { ApiHarness } from './harness';

const h = new ApiHarness();
beforeAll(() => h.start({ STATE_MACHINE_ARNS: JSON.stringify({ start: 'arn:aws:states:us-east-1:0:stateMachine:fm-start' }) }));
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

describe('the HTTP edge', () => {
  it('404s a path or method no route has', async () => {
    h.expectError(await h.call('GET', '/nothing'), 404, 'NotFound', /no route GET \/nothing/);
    h.expectError(await h.call('PUT', '/streams'), 404, 'NotFound', /no route PUT \/streams/);
  });

  it('413s a body over 256 KiB before reading it, and changes nothing', async () => {
    const stream = await h.seed();
    const big = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) });

    const res = await h.call('POST', `/streams/${stream.id}`, big);

    h.expectError(res, 413, 'PayloadTooLarge');
    await h.expectUnchanged(stream);
  });

  it('400s malformed JSON', async () => {
    const stream = await h.seed();
    h.expectError(await h.call('POST', `/streams/${stream.id}`, '{"name": '), 400, 'ValidationError', /not valid JSON/);
    await h.expectUnchanged(stream);
  });

  it('reads a base64-encoded body', async () => {
    const stream = await h.seed();
    const res = await h.api.handle({
      httpMethod: 'POST',
      path: `/streams/${stream.id}/start`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ startover_window_seconds: 60 })).toString('base64'),
      isBase64Encoded: true,
    });
    expect(res.statusCode).toBe(202);
    expect(StreamRecordSchema.parse(JSON.parse(res.body)).startover_window_seconds).toBe(60);
  });

  it('500s with a request id, and writes nothing, when the action has no state machine', async () => {
    const stream = await h.seed({ state: 'running' });

    const res = await h.call('POST', `/streams/${stream.id}/stop`);

    h.expectError(res, 500, 'InternalError');
    expect(errorOf(res).message).toBe("no state machine is configured for 'stop' (STATE_MACHINE_ARNS) (request id req-1)");
    await h.expectUnchanged(stream);
  });

  it('500s an unexpected failure without its message or stack', async () => {
    const stream = await h.seed();
    const original = h.store.list.bind(h.store);
    h.store.list = () => Promise.reject(new Error(`internal detail ${stream.rtmp1}`));
    try {
      const res = await h.call('GET', '/streams');
      expect(res.body).toEqual({ error: { code: 'InternalError', message: '(request id req-1)' } });
      expect(res.status).toBe(500);
    } finally {
      h.store.list = original;
    }
  });

  it('answers JSON with a Content-Type', async () => {
    const stream = await h.seed();
    const res = await h.api.handle({ httpMethod: 'GET', path: `/streams/${stream.id}`, headers: {}, body: null, isBase64Encoded: false });
    expect(res.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(res.body).toContain(stream.id);
  });
});
