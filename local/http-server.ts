import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorBodyText, type ErrorStatus } from '../api/errors';
import { logger } from '../core/lambda/logger';
import type { ConsoleFiles } from './console-files';
import { LOCAL_ACCOUNT } from './env';
import { closeHttpServer, listenOnLoopback, loopbackOrigins } from './loopback';

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

/** How long a client may take to send a request; a stalled one would otherwise hold a socket forever. */
export interface RequestTimeouts {
  /** Until the last header line. */
  headersMs: number;
  /** Until the whole request, body included, has arrived (not the answer: that is the API's time). */
  requestMs: number;
  /** The longest pause between two pieces of a body. */
  bodyIdleMs: number;
}
const DEFAULT_TIMEOUTS: RequestTimeouts = { headersMs: 10_000, requestMs: 30_000, bodyIdleMs: 10_000 };

/**
 * The API on 127.0.0.1: every request becomes the event API Gateway's REST proxy integration
 * (`/{proxy+}`) would send the Lambda, and the handler's result becomes the response, so the API
 * code runs exactly as in the cloud. `GET /healthz` is the runtime's own.
 */
export async function startHttpServer(options: { port: number; api: ApiHandler; timeouts?: RequestTimeouts; console?: ConsoleFiles }): Promise<LocalHttpServer> {
  let ready = false;
  let ownOrigins = new Set<string>();
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for requests past those deadlines: often enough to keep them.
      connectionsCheckingInterval: Math.min(timeouts.headersMs, timeouts.requestMs) / 4,
    },
    (req, res) => {
      const context = { api: options.api, isReady: () => ready, ownOrigins, bodyIdleMs: timeouts.bodyIdleMs, console: options.console };
      serve(req, res, context).catch((err: unknown) => {
        logger.error('local API server failed a request', { error: String(err) });
        if (!res.headersSent) sendError(res, 500, 'the local API server failed');
        else res.destroy();
      });
    },
  );
  server.on('clientError', answerClientError);
  const port = await listenOnLoopback(server, options.port);
  ownOrigins = new Set(loopbackOrigins(port));
  return {
    port,
    setReady(value) {
      ready = value;
    },
    close: () => closeHttpServer(server),
  };
}

interface ServeContext {
  api: ApiHandler;
  isReady: () => boolean;
  /** The API port's own origins, where the console is served from. */
  ownOrigins: ReadonlySet<string>;
  bodyIdleMs: number;
  /** The operator console's page and assets, and the OpenAPI document (`/`, `/console/…`, `/openapi.json`). */
  console?: ConsoleFiles;
}

async function serve(req: IncomingMessage, res: ServerResponse, context: ServeContext): Promise<void> {
  // The local runtime has no IAM in front of it: any web page the operator opens could reach it on
  // 127.0.0.1. A browser names the page's origin on every cross-origin request (and on preflights),
  // so anything from another origin is refused, and no CORS grant is ever given. curl and the SDKs
  // send no Origin.
  const origin = req.headers.origin;
  if (origin !== undefined && !context.ownOrigins.has(origin)) {
    sendError(res, 403, `requests from origin ${origin} are not allowed; only the runtime's own origin may call it`);
    return;
  }
  // A page whose own host name an attacker re-points at 127.0.0.1 (DNS rebinding) is same-origin
  // with itself, so its GETs carry no Origin; they still name that host, which is not ours.
  const host = req.headers.host;
  if (host !== undefined && !context.ownOrigins.has(`http://${host}`)) {
    sendError(res, 403, `requests for host ${host} are not allowed; call the runtime as 127.0.0.1 or localhost`);
    return;
  }
  const target = requestTarget(req.url ?? '/');
  if (target.path === '/healthz' && req.method === 'GET') {
    const ok = context.isReady();
    send(res, ok ? 200 : 503, { 'Content-Type': 'application/json' }, JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
    return;
  }
  // Behind the same origin and host checks as the API: the console is the runtime's own origin.
  const file = req.method === 'GET' ? context.console?.get(target.path) : undefined;
  if (file !== undefined) {
    send(res, file.status, file.headers, file.body);
    return;
  }
  const body = await readBody(req, context.bodyIdleMs);
  if (body === 'aborted') return;
  if (body === 'too large') {
    sendError(res, 413, 'request body over 10 MiB');
    return;
  }
  if (body === 'stalled') {
    sendError(res, 408, `the request body stopped arriving for ${context.bodyIdleMs} ms`, { Connection: 'close' });
    res.once('finish', () => req.socket.destroy());
    return;
  }
  const requestId = randomUUID();
  const started = Date.now();
  const result = await context.api.handle(toEvent(req, target, body, requestId), lambdaContext(requestId));
  const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  send(res, result.statusCode, headers, result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  // At debug: a request is the client's business; the operator's lines are the events' (local/event-log.ts).
  logger.debug('api request', { method: req.method, path: target.path, status: result.statusCode, ms: Date.now() - started });
}

/**
 * The path and query as the client sent them. A WHATWG URL would resolve `/streams/.` to `/streams/`
 * (and `..` upwards), turning a request for a stream called `.` into one for the list; API Gateway
 * hands the path over unresolved, and so does this.
 */
export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

function requestTarget(url: string): RequestTarget {
  // An absolute-form target (`GET http://host/p HTTP/1.1`) loses its scheme and authority.
  const relative = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const at = relative.indexOf('?');
  const path = at < 0 ? relative : relative.slice(0, at);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(at < 0 ? '' : relative.slice(at + 1)) };
}

type BodyOutcome = Buffer | 'too large' | 'stalled' | 'aborted';

/**
 * The whole body; `'too large'` once it has been read past the gateway's limit (and drained, so
 * the 413 arrives); `'stalled'` when no piece of it came for `idleMs`; `'aborted'` when the client
 * went away (or Node's request deadline cut it and answered itself).
 */
function readBody(req: IncomingMessage, idleMs: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (outcome: BodyOutcome) => {
      clearTimeout(idle);
      req.removeAllListeners('data');
      resolve(outcome);
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish('stalled'), idleMs);
    };
    arm();
    req.on('data', (chunk: Buffer) => {
      arm();
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => finish(size > GATEWAY_MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => {
      if (!req.complete) finish('aborted');
    });
  });
}

/**
 * Node's own answers to a request it could not parse (400), whose headers are too large (431) or
 * that did not arrive in time (408), rewritten in the API's error shape (`docs/API.md`). Nothing
 * has been handed to the API; the connection is closed after the answer, as Node does.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const httpMessage = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, message]: [ErrorStatus, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, 'malformed HTTP request'];
  const body = errorBodyText(status, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The REST proxy integration's event (`/{proxy+}`), as API Gateway builds it. */
export function toEvent(req: IncomingMessage, target: RequestTarget, body: Buffer, requestId: string): APIGatewayProxyEvent {
  const pairs: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  const headers = lastValues(pairs);
  const multiValueHeaders = allValues(pairs);
  const query = lastValues(target.query);
  const multiQuery = allValues(target.query);
  const hasQuery = Object.keys(query).length > 0;
  const method = req.method ?? 'GET';
  const path = target.path;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: path.replace(/^\//, '') },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      domainName: req.headers.host ?? '127.0.0.1',
      httpMethod: method,
      path,
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

// Names come from the client: collected in a Map and made own properties by `fromEntries`, so
// `__proto__` or `constructor` is a name like any other (an assignment would hit the prototype).
function lastValues(pairs: Iterable<[string, string]>): Record<string, string> {
  return Object.fromEntries(new Map(pairs));
}

function allValues(pairs: Iterable<[string, string]>): Record<string, string[]> {
  const all = new Map<string, string[]>();
  for (const [name, value] of pairs) all.set(name, [...(all.get(name) ?? []), value]);
  return Object.fromEntries(all);
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
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendError(res: ServerResponse, status: ErrorStatus, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': 'application/json', ...headers }, errorBodyText(status, message));
}
