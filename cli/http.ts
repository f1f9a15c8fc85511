import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestFailed } from './errors';
import { isLoopback } from './loopback';

/**
 * One HTTP exchange over node:http(s), not fetch: the signed `Host` header must be sent as signed,
 * and fetch treats `Host` as the connection's own (a private API reached through a VPC endpoint or
 * a tunnel is called at one address under another host name, see `--api-host`).
 */
export interface Exchange {
  method: string;
  url: URL;
  /** Sent exactly as given (lower-case names); nothing is added but `Connection`. */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How long a request may take, answer included: well over the API's own 29 s integration limit. */
const REQUEST_TIMEOUT_MS = 60_000;

export function exchange(req: Exchange, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
  const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      req.url,
      // No keep-alive agent: a finished command exits at once, with no pooled socket holding it.
      { method: req.method, headers: req.headers, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(unreachable(req.url, err)));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    outgoing.on('error', (err) => reject(unreachable(req.url, err)));
    outgoing.end(req.body);
  });
}

function unreachable(url: URL, err: Error): RequestFailed {
  const hint = isLoopback(url.hostname) ? ' (is `npm start` running?)' : '';
  return new RequestFailed(`cannot reach the API at ${url.origin}: ${err.message}${hint}`);
}
