import { describe, expect, it } from '@jest/globals';
import { ApiError, createApiClient, errorOf, loadConfig } from '../../../console/api-client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that answers `status`/`text` and keeps what it was asked. */
function answering(status: number, text: string) {
  const calls: Call[] = [];
  const fetchImpl = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    calls.push({ url, ...init });
    return Promise.resolve({ status, ok: status >= 200 && status < 300, text: () => Promise.resolve(text) });
  };
  return { calls, fetchImpl };
}

describe('the console API client', () => {
  it('sends JSON to apiBase with the idempotency key, and parses the answer', async () => {
    const { calls, fetchImpl } = answering(201, '{"id":"x"}');
    const client = createApiClient({ apiBase: 'https://api.example/prod/' }, fetchImpl);
    await expect(client.request('POST', '/streams', { body: { name: 'n' }, idempotencyKey: 'k1' })).resolves.toEqual({ id: 'x' });
    expect(calls).toEqual([
      { url: 'https://api.example/prod/streams', method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': 'k1' }, body: '{"name":"n"}' },
    ]);
  });

  it('answers nothing for an empty body (a 204)', async () => {
    const { fetchImpl } = answering(204, '');
    await expect(createApiClient({ apiBase: '' }, fetchImpl).request('POST', '/streams/x/live')).resolves.toBeUndefined();
  });

  it("throws the API's error body as an ApiError with its details", async () => {
    const body = { error: { code: 'ValidationError', message: 'invalid body', details: [{ path: 'name', message: 'Too small' }, { bogus: 1 }] } };
    const { fetchImpl } = answering(400, JSON.stringify(body));
    const err = await createApiClient({ apiBase: '' }, fetchImpl).request('POST', '/streams', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'ValidationError', message: 'invalid body', details: [{ path: 'name', message: 'Too small' }] });
  });

  it('says the status of an answer that is not the API’s, and status 0 when nothing answered', async () => {
    expect(errorOf(502, '<html>Bad gateway</html>')).toMatchObject({ status: 502, code: 'HttpError', message: 'the API answered 502: <html>Bad gateway</html>' });
    const down = createApiClient({ apiBase: '' }, () => Promise.reject(new Error('ECONNREFUSED')));
    await expect(down.request('GET', '/streams')).rejects.toMatchObject({ status: 0, code: 'NetworkError' });
  });

  it('reads the config, refusing one without apiBase', async () => {
    await expect(loadConfig(answering(200, '{"apiBase":""}').fetchImpl)).resolves.toEqual({ apiBase: '' });
    await expect(loadConfig(answering(200, '{}').fetchImpl)).rejects.toThrow('apiBase must be a string');
    await expect(loadConfig(answering(404, 'no').fetchImpl)).rejects.toThrow('answered 404');
  });
});
