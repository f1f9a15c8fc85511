import { once } from 'node:events';
import { connect } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startHttpServer, type ApiHandler, type LocalHttpServer } from '../../../local/http-server';
import { z } from 'zod';

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function echoApi(seen: APIGatewayProxyEvent[]): ApiHandler {
  return {
    handle(event, context) {
      seen.push(event);
      return Promise.resolve({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: event.path, remaining: context?.getRemainingTimeInMillis?.() }),
      });
    },
  };
}

describe('local API HTTP server', () => {
  it("hands each request to the API as API Gateway's REST proxy event and returns its result", async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    const res = await fetch(`http://127.0.0.1:${server.port}/streams/abc/start?x=1&x=2`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k-1', 'Content-Type': 'application/json' },
      body: '{"path":"s3://b/p/"}',
    });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-amzn-requestid')).toBe(seen[0].requestContext.requestId);
    expect(await res.json()).toMatchObject({ path: '/streams/abc/start', remaining: expect.any(Number) });
    expect(seen[0]).toMatchObject({
      httpMethod: 'POST',
      path: '/streams/abc/start',
      resource: '/{proxy+}',
      pathParameters: { proxy: 'streams/abc/start' },
      body: '{"path":"s3://b/p/"}',
      isBase64Encoded: false,
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      requestContext: { httpMethod: 'POST', stage: 'local', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(seen[0].headers['Idempotency-Key']).toBe('k-1');
  });

  it('gives a request without a body a null body, as API Gateway does', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    await fetch(`http://127.0.0.1:${server.port}/streams`);

    expect(seen[0]).toMatchObject({ httpMethod: 'GET', body: null, queryStringParameters: null });
  });

  it('answers /healthz 503 until the runtime says it is ready, then 200', async () => {
    server = await startHttpServer({ port: 0, api: echoApi([]) });

    const before = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    server.setReady(true);
    const after = await fetch(`http://127.0.0.1:${server.port}/healthz`);

    expect(before.status).toBe(503);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ok' });
  });

  it("refuses a body over API Gateway's 10 MiB without calling the API", async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    const res = await fetch(`http://127.0.0.1:${server.port}/streams`, { method: 'POST', body: Buffer.alloc(11 * 1024 * 1024, 32) });

    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(seen).toEqual([]);
  });

  it('turns a base64 result into bytes and a failing handler into a 500 error body', async () => {
    let fail = false;
    server = await startHttpServer({
      port: 0,
      api: {
        handle() {
          if (fail) return Promise.reject(new Error('boom'));
          return Promise.resolve({ statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true });
        },
      },
    });

    const bytes = Buffer.from(await (await fetch(`http://127.0.0.1:${server.port}/x`)).arrayBuffer());
    fail = true;
    const failed = await fetch(`http://127.0.0.1:${server.port}/x`);

    expect([...bytes]).toEqual([1, 2, 3]);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { code: 'InternalError', message: 'the local API server failed' } });
  });
});

/** Writes `chunks` to the server on one raw TCP connection (the next after `pauseMs`) and reads until it closes. */
async function raw(port: number, chunks: string[], pauseMs = 0): Promise<{ status: number; headers: string; body: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const closed = once(socket, 'close');
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  await closed;
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body };
}

describe('local API HTTP server, hostile clients', () => {
  it.each([
    ['a request line that is not HTTP', ['GARBAGE\r\n\r\n'], 400],
    ['an invalid header', ['GET /streams HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'], 400],
    ['headers over the limit', [`GET /streams HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], 431],
  ])("answers %s in the contract's error shape", async (_what, chunks, status) => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    const res = await raw(server.port, chunks);

    expect(res.status).toBe(status);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toEqual({ error: { code: status === 431 ? 'RequestHeaderFieldsTooLarge' : 'ValidationError', message: expect.any(String) } });
    expect(seen).toEqual([]);
  });

  it('times out headers that stall, with a 408 in the error shape', async () => {
    server = await startHttpServer({ port: 0, api: echoApi([]), timeouts: { headersMs: 300, requestMs: 600, bodyIdleMs: 300 } });

    const res = await raw(server.port, [`GET /streams HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`]);

    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'RequestTimeout', message: expect.any(String) } });
  });

  it('times out a body that stops arriving, without calling the API', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen), timeouts: { headersMs: 5_000, requestMs: 10_000, bodyIdleMs: 300 } });

    const res = await raw(server.port, [`POST /streams HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na`]);

    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'RequestTimeout', message: expect.stringMatching(/body/) } });
    expect(seen).toEqual([]);
  });

  it('times out a body that dribbles in past the request deadline', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen), timeouts: { headersMs: 500, requestMs: 1_000, bodyIdleMs: 500 } });
    const dribble = Array.from({ length: 40 }, () => ' ');

    const res = await raw(server.port, [`POST /streams HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`, ...dribble], 100);

    expect(res.status).toBe(408);
    expect(z.object({ error: z.object({ code: z.string() }) }).parse(JSON.parse(res.body)).error.code).toBe('RequestTimeout');
    expect(seen).toEqual([]);
  });

  it('hands the API the path as sent: no dot-segment is resolved away', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    for (const path of ['/streams/.', '/streams/..', '/streams/%2e/start', '/a/../streams']) {
      await raw(server.port, [`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`]);
    }

    expect(seen.map((e) => e.path)).toEqual(['/streams/.', '/streams/..', '/streams/%2e/start', '/a/../streams']);
  });

  it('takes prototype names as header and query names like any other', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    const res = await raw(server.port, [`GET /streams?__proto__=1&constructor=2 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n__proto__: a\r\nconstructor: b\r\nConnection: close\r\n\r\n`]);

    expect(res.status).toBe(201);
    expect(Object.hasOwn(seen[0].multiValueQueryStringParameters!, '__proto__')).toBe(true);
    expect(seen[0].headers['constructor']).toBe('b');
  });

  it.each(['http://evil.example', 'null', 'http://127.0.0.1:1'])('403s a browser request from origin %s without calling the API', async (origin) => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    for (const method of ['POST', 'GET', 'OPTIONS']) {
      const res = await fetch(`http://127.0.0.1:${server.port}/streams`, { method, headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      expect(res.status).toBe(403);
      // No CORS grant either: a preflight from another site is refused, so the browser sends nothing.
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(await res.json()).toEqual({ error: { code: 'Forbidden', message: expect.stringMatching(/origin/) } });
    }
    expect(seen).toEqual([]);
  });

  it('403s a request for another host name, as a DNS-rebound page sends with no Origin on its GETs', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    const res = await raw(server.port, [`GET /streams HTTP/1.1\r\nHost: attacker.example:${server.port}\r\nConnection: close\r\n\r\n`]);

    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'Forbidden', message: expect.stringMatching(/host attacker\.example/) } });
    expect(seen).toEqual([]);
  });

  it("serves requests from its own origin and requests that carry none (curl, SDKs)", async () => {
    const seen: APIGatewayProxyEvent[] = [];
    server = await startHttpServer({ port: 0, api: echoApi(seen) });

    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`, undefined]) {
      const res = await fetch(`http://127.0.0.1:${server.port}/streams`, { method: 'POST', headers: origin ? { Origin: origin } : {} });
      expect(res.status).toBe(201);
    }
    expect(seen).toHaveLength(3);
  });
});
