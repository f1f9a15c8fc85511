import { createHash, createHmac, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import * as z from './zod';
import { EVENT_KINDS, EventKindSchema, StreamEventSchema, type StreamEvent } from './events';

/**
 * The headers of every webhook delivery (docs/WEBHOOKS.md), lowercase as Node reads them. The id is the event's own, stable
 * across retries and repeats; the signature is HMAC-SHA256, lowercase hex, over
 * `{timestamp}.{body}` with the webhook's secret.
 */
export const WEBHOOK_HEADERS = {
  eventId: 'x-frontmaster-event-id',
  timestamp: 'x-frontmaster-timestamp',
  signature: 'x-frontmaster-signature',
} as const;

/** What a webhook is: stored server-side, the secret with it (never listed, never logged). */
export const WebhookSchema = z.object({
  webhook_id: z.string(),
  url: z.string(),
  events: z.array(EventKindSchema),
  description: z._default(z.string(), ''),
  created_at: z.string(),
  secret: z.string(),
});
export type Webhook = z.infer<typeof WebhookSchema>;
/** A webhook as `GET /webhooks` shows it and the fan-out reads it: everything but the secret. */
export const WebhookViewSchema = z.omit(WebhookSchema, { secret: true });
export type WebhookView = z.infer<typeof WebhookViewSchema>;
/** The attributes of a {@link WebhookView}, for a read that must not fetch the secret. */
export const WEBHOOK_VIEW_ATTRIBUTES = Object.keys(WebhookViewSchema.shape) as (keyof WebhookView)[];

/** A new secret: 32 random bytes, readable (`whsec_` + base64url). The whole string is the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The signature header's value: HMAC-SHA256 hex of `{timestamp}.{body}`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Does a webhook subscribed to `events` want an event of `kind`? */
export function wantsEvent(webhook: Pick<Webhook, 'events'>, kind: StreamEvent['kind']): boolean {
  return webhook.events.includes(kind);
}

/** The default subscription: every kind there is. */
export const ALL_EVENT_KINDS: StreamEvent['kind'][] = [...EVENT_KINDS];

/**
 * The delivery's execution name: the same event to the same webhook is the same execution, so a
 * repeated event (EventBridge delivers at least once) starts nothing new. `{webhook_id}-{sha256(event id)}`,
 * 32 + 1 + 40 = 73 chars of [0-9a-f-], inside Step Functions' 80.
 */
export function deliveryName(webhookId: string, eventId: string): string {
  return `${webhookId}-${createHash('sha256').update(eventId).digest('hex').slice(0, 40)}`;
}

/** The delivery workflow's input: which webhook, and the event (its body). Never the secret. */
export const DeliveryInputSchema = z.object({ webhook_id: z.string(), event: StreamEventSchema });
export type DeliveryInput = z.infer<typeof DeliveryInputSchema>;

/** One try of a delivery, as stored (in order, so its number is its place). */
export const StoredAttemptSchema = z.object({
  at: z.string(),
  status: z.enum(['delivered', 'failed']),
  http_status: z.nullable(z.number()),
  error: z.nullable(z.string()),
});
export type StoredAttempt = z.infer<typeof StoredAttemptSchema>;
/** One try of a delivery, as `GET /webhooks/{id}/deliveries` shows it: numbered from 1. */
export const DeliveryAttemptSchema = z.extend(StoredAttemptSchema, { attempt: z.number() });

/** One delivery (one event to one webhook) and its tries, oldest try first. */
export const DeliverySchema = z.object({
  delivery_id: z.string(),
  event_id: z.string(),
  kind: EventKindSchema,
  started_at: z.string(),
  /** `pending` while it is being retried, `delivered` once a try got a 2xx, `exhausted` once the last try failed. */
  status: z.enum(['pending', 'delivered', 'exhausted']),
  attempts: z.array(DeliveryAttemptSchema),
});
export type Delivery = z.infer<typeof DeliverySchema>;
/** A delivery as stored: its tries unnumbered. */
export const StoredDeliverySchema = z.extend(DeliverySchema, { attempts: z.array(StoredAttemptSchema) });
type DeliveryStatus = Delivery['status'];
export type { DeliveryStatus };

// --- where a webhook may point ---------------------------------------------------------------

/**
 * Addresses no webhook may reach: this host, the private networks, link-local (169.254.0.0/16,
 * the instance metadata address 169.254.169.254 included) and everything not globally routable
 * (IANA special-purpose registries, RFC 6890), in both families.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/**
 * May a webhook delivery connect to this IP address? BlockList judges an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, `::ffff:a00:1`) by the IPv4 rules (checked in test/unit/core/webhook.test.ts).
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The one plain-HTTP target allowed, in the local runtime only: a receiver on this machine. */
export const LOCAL_HTTP_HOST = '127.0.0.1';

export interface UrlRules {
  /** The local runtime's setting (`WEBHOOK_LOOPBACK_HTTP`): `http://127.0.0.1:…` is allowed. Never in the cloud. */
  allowLoopbackHttp: boolean;
}

/** A webhook URL's host, as a resolver wants it (`[::1]` → `::1`). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Is this the local runtime's plain-HTTP receiver on 127.0.0.1 (allowed only with the setting)? */
export function isLocalHttpTarget(url: URL, rules: UrlRules): boolean {
  return rules.allowLoopbackHttp && url.protocol === 'http:' && url.hostname === LOCAL_HTTP_HOST;
}

/**
 * What is wrong with a webhook URL before any name is resolved, or undefined: HTTPS only (plain
 * HTTP only to 127.0.0.1 and only where allowed), no credentials in it, and an IP-literal host
 * must be a public address. A host name's addresses are checked when it is resolved, at
 * registration and again at each delivery's connection.
 */
export function webhookUrlProblem(url: URL, rules: UrlRules): string | undefined {
  if (isLocalHttpTarget(url, rules)) return undefined;
  if (url.protocol !== 'https:') {
    return rules.allowLoopbackHttp ? `must be https (plain http only to ${LOCAL_HTTP_HOST})` : 'must be https';
  }
  if (url.username || url.password) return 'must not hold credentials';
  const host = hostOf(url);
  if (isIP(host) && !isPublicAddress(host)) return `must not point at a private, loopback or link-local address (${host})`;
  return undefined;
}
