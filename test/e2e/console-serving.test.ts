// The operator console as the local runtime serves it: the page, its bundle (and the chunks the
// bundle loads), its config and the OpenAPI contract on the API port, behind the same origin and
// host checks as the API; and the console's API client against the real API.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiError, createApiClient, loadConfig } from '../../console/api-client';
import { startTestRuntime, type TestRuntime } from './harness';

const OPENAPI = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

let rt: TestRuntime;
let base: string;
beforeAll(async () => {
  rt = await startTestRuntime('console');
  base = rt.runtime.endpoints.api;
}, 120_000);
afterAll(() => rt?.close(), 60_000);

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

/** A GET naming another Host (fetch sends the URL's own): what a DNS-rebound page's request looks like. */
function getWithHost(path: string, host: string): Promise<{ status: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { Host: host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console on the API port', () => {
  it('serves the page at /, printed as the console endpoint, with a policy that allows only its own scripts', async () => {
    expect(rt.runtime.endpoints.console).toBe(`${base}/`);
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<main id="main"');
    expect(html).toMatch(/<script type="module" src="console\/main\.js">/);
  });

  it('serves the bundle and every chunk it imports, and the stylesheet', async () => {
    const main = await get('/console/main.js');
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await main.text();
    expect(js).toContain('Create stream');
    // The player's hls.js is a chunk of its own, loaded by the stream view only.
    const chunks = [...new Set([...js.matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)].map((m) => m[1]))];
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      const res = await get(`/console/${chunk}`);
      expect({ chunk, status: res.status }).toEqual({ chunk, status: 200 });
      await res.arrayBuffer();
    }
    const css = await get('/console/styles.css');
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    await css.arrayBuffer();
  });

  it('serves config.json (same origin) and the OpenAPI contract', async () => {
    await expect(loadConfig(fetch, `${base}/console/config.json`)).resolves.toEqual({ apiBase: '' });
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(readFileSync(OPENAPI, 'utf8')));
  });

  it('serves nothing outside its files: an unknown asset or a path that climbs out is the API’s 404', async () => {
    for (const path of ['/console/nope.js', '/console/../package.json', '/console/%2e%2e/package.json', '/index.html']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.text()).not.toContain('frontmaster-live-stream');
    }
  });

  it('answers its own origin, and refuses another origin or a rebound host as the API does', async () => {
    expect((await get('/console/main.js', { Origin: base })).status).toBe(200);
    for (const path of ['/', '/console/main.js', '/console/config.json', '/openapi.json']) {
      const res = await get(path, { Origin: 'http://evil.example' });
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 403, type: 'application/json' });
      await res.arrayBuffer();
      expect({ path, ...(await getWithHost(path, 'evil.example')) }).toEqual({ path, status: 403, type: 'application/json' });
    }
  });

  it("gives the console's client the API's validation details, naming the field", async () => {
    const client = createApiClient({ apiBase: base });
    const err = await client.request('POST', '/streams', { body: { name: '', segment_length: 0 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiError = err as ApiError;
    expect([apiError.status, apiError.code]).toEqual([400, 'ValidationError']);
    expect(apiError.details.map((d) => d.path).sort()).toEqual(['name', 'segment_length']);
    await expect(client.request('GET', '/streams')).resolves.toEqual([]);
  });
});
