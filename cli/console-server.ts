import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { buildConsole } from '../console/build';
import type { ApiClient } from './api-client';
import { consoleFileHeaders } from '../console/page-policy';

/**
 * `fmls console`: the operator console on 127.0.0.1, talking to `--api` through this process, which
 * signs each API request with the operator's own AWS credentials (SigV4). IAM stays the only auth
 * the cloud API has, and no credential ever reaches the browser: the page calls its own origin
 * (`config.json` says `apiBase: ""`), as it does against the local runtime.
 *
 * Because this port holds the operator's signing power, it takes the local runtime's guard against
 * other web pages: a browser request from any other origin, or for any host name but 127.0.0.1 /
 * localhost (a DNS-rebound page), is refused before anything is signed.
 */

/** The API's routes, proxied; everything else is the console's own files. */
const API_PREFIXES = ['/streams', '/webhooks'];
/** API Gateway's own payload limit: a bigger body would never be accepted there either. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The request headers the API reads; nothing else (cookies, the browser's Origin) is passed on or signed. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'idempotency-key'];

/** Media comes from wherever the API's records point: MediaPackage and CloudFront over https, presigned S3 URLs, or a local runtime's ports. */
const MEDIA_SOURCES = ['https:', 'http://127.0.0.1:*', 'http://localhost:*'];

export interface ConsoleServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function proxy(req: IncomingMessage, res: ServerResponse, client: ApiClient, pathAndQuery: string): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) return sendError(res, 413, 'PayloadTooLarge', `request body over ${MAX_BODY_BYTES} bytes`);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  try {
    const answer = await client.forward(req.method ?? 'GET', pathAndQuery, headers, body);
    const type = answer.headers['content-type'];
    res.writeHead(answer.status, { ...(type ? { 'Content-Type': type } : {}), 'Cache-Control': 'no-store' }).end(answer.body);
  } catch (err) {
    sendError(res, 502, 'BadGateway', (err as Error).message);
  }
}

/** A file of the built console, or undefined when there is none at that path (never outside `root`). */
async function staticFile(root: string, path: string): Promise<Buffer | undefined> {
  const relativePath = path === '/' ? 'index.html' : path.slice(1);
  const full = normalize(join(root, relativePath));
  if (!full.startsWith(root + sep)) return undefined;
  try {
    return await readFile(full);
  } catch {
    return undefined;
  }
}

export async function startConsoleServer({ client, port, root }: { client: ApiClient; port: number; root: string }): Promise<ConsoleServer> {
  let own = new Set<string>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', `fmls console failed a request: ${(err as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !own.has(origin)) return sendError(res, 403, 'Forbidden', `requests from origin ${origin} are not allowed`);
    const host = req.headers.host;
    if (host === undefined || !own.has(`http://${host}`)) return sendError(res, 403, 'Forbidden', `requests for host ${host ?? '(none)'} are not allowed; use 127.0.0.1 or localhost`);
    const target = req.url ?? '/';
    const path = target.split('?')[0];
    if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return proxy(req, res, client, target);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'MethodNotAllowed', `${req.method} ${path}: the console's files are read-only`);
    // The page calls this origin, whatever --api is: this process is its API.
    if (path === '/console/config.json') return sendJson(res, 200, { apiBase: '' });
    const file = path === '/' || path.startsWith('/console/') ? await staticFile(root, path) : undefined;
    if (!file) return sendError(res, 404, 'NotFound', `no such page: ${path}`);
    res.writeHead(200, consoleFileHeaders(path, MEDIA_SOURCES)).end(req.method === 'HEAD' ? undefined : file);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  own = new Set([`http://127.0.0.1:${bound}`, `http://localhost:${bound}`]);
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The command: builds the console (console/build.ts) into a temporary folder, serves it until
 * SIGINT/SIGTERM, then removes the folder.
 */
export async function runConsole({ client, port, io }: { client: ApiClient; port: number; io: { stdout: { write(text: string): unknown } } }): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'fmls-console-'));
  try {
    await buildConsole(root);
    const server = await startConsoleServer({ client, port, root });
    io.stdout.write(`fmls console: ${server.url} → ${client.origin}${client.signed ? ' (SigV4-signed)' : ''}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
