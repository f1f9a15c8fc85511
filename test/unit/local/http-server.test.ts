import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type ApiHandler, type LocalHttpServer } from '../../../local/http-server';

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function echoApi(seen: APIGatewayProxyEvent[]): ApiHandler {
  return {
    async handle(event, context) {
      seen.push(event);
      return {
        statusCode: 201,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: event.path, remaining: context?.getRemainingTimeInMillis?.() }),
      };
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
    expect(res.headers.get('x-amzn-requestid')).toBe(seen[0]!.requestContext.requestId);
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
    expect(seen[0]!.headers['Idempotency-Key']).toBe('k-1');
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
        async handle() {
          if (fail) throw new Error('boom');
          return { statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true };
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
