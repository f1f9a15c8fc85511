import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '../core/logger';
import { LOCAL_ACCOUNT } from './env';
import { closeHttpServer, listenOnLoopback } from './loopback';

/** What the server hands requests to: the API's handler, as API Gateway's proxy integration invokes it. */
export interface ApiHandler {
  handle(event: APIGatewayProxyEvent, context?: Partial<Context>): Promise<APIGatewayProxyResult>;
}

export interface LocalHttpServer {
  readonly port: number;
  /** `GET /healthz`: 200 while ready, 503 before and while shutting down. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/** API Gateway's own payload limit; the API enforces its smaller one (256 KiB) itself. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A REST API's integration timeout: what the handler is told it has left. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * The API on 127.0.0.1: every request becomes the event API Gateway's REST proxy integration
 * (`/{proxy+}`) would send the Lambda, and the handler's result becomes the response, so the API
 * code runs exactly as in the cloud. `GET /healthz` is the runtime's own.
 */
export async function startHttpServer(options: { port: number; api: ApiHandler }): Promise<LocalHttpServer> {
  let ready = false;
  const server = createServer((req, res) => {
    serve(req, res, options.api, () => ready).catch((err: unknown) => {
      logger.error('local API server failed a request', { error: String(err) });
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'application/json' }, errorBody('InternalError', 'the local API server failed'));
      else res.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    port,
    setReady(value) {
      ready = value;
    },
    close: () => closeHttpServer(server),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, api: ApiHandler, isReady: () => boolean): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/healthz' && req.method === 'GET') {
    const ok = isReady();
    send(res, ok ? 200 : 503, { 'Content-Type': 'application/json' }, JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
    return;
  }
  const body = await readBody(req);
  if (body === 'too large') {
    send(res, 413, { 'Content-Type': 'application/json' }, errorBody('PayloadTooLarge', 'request body over 10 MiB'));
    return;
  }
  const requestId = randomUUID();
  const started = Date.now();
  const result = await api.handle(toEvent(req, url, body, requestId), lambdaContext(requestId));
  const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  send(res, result.statusCode, headers, result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  logger.info('api request', { method: req.method, path: url.pathname, status: result.statusCode, ms: Date.now() - started });
}

/** The whole body, or `'too large'` once it has been read past the gateway's limit (and drained, so the 413 arrives). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The REST proxy integration's event (`/{proxy+}`), as API Gateway builds it. */
export function toEvent(req: IncomingMessage, url: URL, body: Buffer, requestId: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const method = req.method ?? 'GET';
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.replace(/^\//, '') },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      domainName: req.headers.host ?? '127.0.0.1',
      httpMethod: method,
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      stage: 'local',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

function lambdaContext(requestId: string): Partial<Context> {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
  return {
    awsRequestId: requestId,
    functionName: 'fmls-api-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT}:function:fmls-api-local`,
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
