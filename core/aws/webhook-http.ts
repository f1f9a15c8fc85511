import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { WebhookDeliveryFailed } from '../domain/errors';
import { hostOf, isLocalHttpTarget, isPublicAddress, webhookUrlProblem, type UrlRules } from '../domain/webhook';

/** Resolves a host name to all its addresses (`dns.promises.lookup` with `all`); tests pass their own. */
export type ResolveHost = (host: string) => Promise<readonly LookupAddress[]>;
export const resolveHost: ResolveHost = (host) => lookupAll(host, { all: true, verbatim: true });

/**
 * What is wrong with a webhook URL, or undefined: the rules of {@link webhookUrlProblem}, then,
 * for a host name, every address it resolves to must be public (a name that points at the
 * metadata address or a private network is refused like the address itself). Checked at
 * registration; each delivery checks again at its connection ({@link postWebhook}), since a name
 * can be re-pointed after registration (DNS rebinding).
 */
export async function webhookTargetProblem(url: URL, rules: UrlRules, resolve: ResolveHost = resolveHost): Promise<string | undefined> {
  const problem = webhookUrlProblem(url, rules);
  if (problem || isLocalHttpTarget(url, rules) || isIP(hostOf(url))) return problem;
  let addresses: readonly LookupAddress[];
  try {
    addresses = await resolve(hostOf(url));
  } catch {
    return `host ${url.hostname} does not resolve`;
  }
  const blocked = addresses.find((a) => !isPublicAddress(a.address));
  if (addresses.length === 0) return `host ${url.hostname} does not resolve`;
  return blocked ? `host ${url.hostname} resolves to a private, loopback or link-local address (${blocked.address})` : undefined;
}

/**
 * The connection's own name lookup, refusing any non-public address: the check is made on the
 * very addresses the socket connects to, so a name re-pointed after registration (or between a
 * check and the connect) cannot reach a private one.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked || addresses.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves to a non-public address (${blocked?.address ?? 'none'})`), { code: 'EADDRBLOCKED' });
      return callback(refused, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

export interface PostOptions {
  rules: UrlRules;
  /** The whole request, connection to response headers. */
  timeoutMs: number;
}

/**
 * POSTs a delivery and resolves with the receiver's status (any status: the caller judges it).
 * Unreachable, refused, timed out or pointed at a non-public address: {@link WebhookDeliveryFailed}.
 * The response body is not read beyond draining it. No header value (the signature included) is
 * ever put in an error.
 */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, options: PostOptions): Promise<number> {
  const problem = webhookUrlProblem(url, options.rules);
  if (problem) return Promise.reject(new WebhookDeliveryFailed(`webhook URL refused: ${problem}`));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      // The local runtime's 127.0.0.1 receiver is the one target not checked by address.
      ...(isLocalHttpTarget(url, options.rules) ? {} : { lookup: publicOnlyLookup }),
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no response within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })), options.timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new WebhookDeliveryFailed(`could not deliver to ${url.host}: ${err.code ?? err.name}: ${err.message}`));
    });
    req.end(body);
  });
}
