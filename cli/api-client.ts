import type { ErrorDetail } from '../api/errors';
import { ApiError, UsageError } from './errors';
import { exchange, type Answer } from './http';
import { isLoopback } from './loopback';
import { regionOf, sigV4Signer, type Credentials, type Signer } from './sigv4';

/**
 * The API as the CLI and `fmls console` call it: `--api`'s base URL (a stage path such as `/prod`
 * is kept), `Idempotency-Key` on writes, and SigV4 for anything that is not this machine.
 */

export const DEFAULT_API = 'http://127.0.0.1:3000';

export interface ClientOptions {
  /** `--api` (or `FMLS_API`). */
  api: string;
  /** `--api-host`: the host name to send and sign, when `--api` is another address for it. */
  apiHost?: string;
  env: NodeJS.ProcessEnv;
  /** Static credentials instead of the chain (tests). */
  credentials?: Credentials;
}

export interface Reply {
  status: number;
  /** The parsed JSON, or undefined when the answer had no body (204). */
  body: unknown;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
}

export interface ApiClient {
  /** Where requests go, for messages. */
  readonly origin: string;
  /** Whether requests are SigV4-signed (a non-loopback host). */
  readonly signed: boolean;
  /** One JSON request; an error answer throws {@link ApiError}. */
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  /** One request passed through as is (the console's proxy): `pathAndQuery` below the base, headers to send besides `host`. */
  forward(method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer): Promise<Answer>;
}

function parseBase(api: string): URL {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(`--api must be an http(s) URL, got "${api}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api must be an http(s) URL, got "${api}"`);
  if (url.search || url.hash) throw new UsageError('--api must not have a query or fragment');
  return url;
}

export function apiClient(options: ClientOptions): ApiClient {
  const base = parseBase(options.api);
  const host = options.apiHost ?? base.host;
  const hostname = host.replace(/:\d+$/, '');
  const signer: Signer | undefined = isLoopback(hostname) ? undefined : sigV4Signer(regionOf(hostname, options.env), options.credentials);
  const prefix = base.pathname.replace(/\/+$/, '');

  const forward = async (method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> => {
    const url = new URL(`${base.origin}${prefix}${pathAndQuery}`);
    const sent: Record<string, string> = { ...headers, host };
    const payload = body?.length ? body : undefined;
    if (payload) sent['content-length'] = String(payload.length);
    const req = { method, url, headers: sent, body: payload };
    return exchange(signer ? await signer(req) : req);
  };

  const request = async (method: string, path: string, { body, idempotencyKey }: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined && method !== 'GET') headers['idempotency-key'] = idempotencyKey;
    const answer = await forward(method, path, headers, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    const text = answer.body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (answer.status >= 400) throw errorOf(answer.status, parsed, text);
    if (text && parsed === undefined) throw new ApiError(answer.status, 'BadResponse', `the API answered ${answer.status} with a body that is not JSON`);
    return { status: answer.status, body: parsed };
  };

  return { origin: `${base.origin}${prefix}`, signed: signer !== undefined, request, forward };
}

/** The API's error body, or what API Gateway (`{"message": …}`) or anything else in front of it said. */
function errorOf(status: number, parsed: unknown, text: string): ApiError {
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.details) ? (error.details as ErrorDetail[]) : [];
    return new ApiError(status, typeof error.code === 'string' ? error.code : `HTTP${status}`, error.message, details, parsed);
  }
  const gatewayMessage = (parsed as { message?: unknown; Message?: unknown } | undefined)?.message ?? (parsed as { Message?: unknown } | undefined)?.Message;
  const message = typeof gatewayMessage === 'string' ? gatewayMessage : text.trim().slice(0, 500) || `HTTP ${status}`;
  return new ApiError(status, `HTTP${status}`, message, [], parsed);
}
