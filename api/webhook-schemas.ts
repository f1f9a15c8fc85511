import * as z from '../core/domain/zod';
import { EVENT_KINDS, EventKindSchema } from '../core/domain/events';
import { HEX_ID_PATTERN } from '../core/domain/ids';
import { DeliverySchema, WEBHOOK_HEADERS } from '../core/domain/webhook';
import { schemas } from './schemas';

// The webhooks routes' shapes (`docs/WEBHOOKS.md`); registered with the other named schemas.

export const WebhookBodySchema = z.strictObject({
  url: z
    .url()
    .check(
      z.maxLength(2048),
      z.describe('HTTPS only; a host that is, or resolves to, a private, loopback or link-local address is refused (400). The local runtime also takes plain http://127.0.0.1:….'),
    ),
  events: z
    .optional(z.array(EventKindSchema).check(z.minLength(1), z.maxLength(EVENT_KINDS.length)))
    .check(z.describe('The event kinds to receive (default: every kind).')),
  description: z.optional(z.string().check(z.maxLength(1024))).check(z.describe('Default "".')),
});

export const WebhookPathSchema = z.object({ id: z.string().check(z.regex(HEX_ID_PATTERN, 'must be 32 lowercase hex chars')) });

export const WebhookViewSchema = z.object({
  webhook_id: z.string(),
  url: z.string(),
  events: z.array(EventKindSchema),
  description: z.string(),
  created_at: z.string().check(z.describe('ISO-8601 UTC.')),
});
export const WebhookCreatedSchema = z.extend(WebhookViewSchema, {
  secret: z
    .string()
    .check(
      z.describe(
        `The signing secret, shown here only: \`${WEBHOOK_HEADERS.signature}\` is HMAC-SHA256 (hex) of \`{${WEBHOOK_HEADERS.timestamp}}.{body}\` keyed with this whole string.`,
      ),
    ),
});
export const WebhookListSchema = z.array(WebhookViewSchema);
export const DeliveryListSchema = z.array(DeliverySchema);

schemas.add(WebhookBodySchema, { id: 'WebhookBody' });
schemas.add(WebhookViewSchema, { id: 'Webhook' });
schemas.add(WebhookCreatedSchema, { id: 'WebhookCreated' });
schemas.add(DeliverySchema, { id: 'WebhookDelivery' });
