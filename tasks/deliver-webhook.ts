import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';
import { getWebhook, recordAttempt } from '../core/aws/webhook-store';
import { postWebhook } from '../core/aws/webhook-http';
import { WebhookDeliveryFailed } from '../core/domain/errors';
import { StreamEventSchema } from '../core/domain/events';
import { WEBHOOK_HEADERS, webhookSignature, type StoredAttempt } from '../core/domain/webhook';
import { taskHandler } from '../core/lambda/task-handler';

/** One try of a delivery: the Task state of `workflows/deliver-webhook.ts` passes the execution's name and start. */
export const Input = z.object({
  webhook_id: z.string(),
  event: StreamEventSchema,
  delivery_id: z.string(),
  started_at: z.string(),
  /** The tries the workflow's policy allows (named in a failed try's error; the workflow's Catch marks the delivery `exhausted`). */
  max_attempts: z.number().check(z.int(), z.gte(1)),
});

type Deps = Pick<Services, 'dynamodb' | 'config' | 'now'>;

/** How long one try waits for the receiver's answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

type Outcome = { delivered: true; attempt: number; http_status: number } | { delivered: false; skipped: string };

/**
 * One try of a webhook delivery: reads the webhook (its secret never leaves this task: not in the
 * execution's input, output or errors), POSTs the event as JSON, signed (`WEBHOOK_HEADERS`), and
 * records the try. A 2xx is delivered; anything else, a timeout or an unreachable receiver is a
 * {@link WebhookDeliveryFailed}, which the workflow retries with backoff for 24 h. A webhook
 * deleted meanwhile ends the delivery quietly.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<Outcome> {
  const webhook = await getWebhook(deps, input.webhook_id);
  if (!webhook) return { delivered: false, skipped: `webhook ${input.webhook_id} was deleted` };
  const body = JSON.stringify(input.event);
  const timestamp = Math.floor(deps.now().getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'FrontMaster-Webhooks/1',
    [WEBHOOK_HEADERS.eventId]: input.event.id,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(webhook.secret, timestamp, body),
  };
  let httpStatus: number | null = null;
  let failure: string | null = null;
  try {
    httpStatus = await postWebhook(new URL(webhook.url), body, headers, {
      rules: { allowLoopbackHttp: deps.config.WEBHOOK_LOOPBACK_HTTP },
      timeoutMs: ATTEMPT_TIMEOUT_MS,
    });
    if (httpStatus < 200 || httpStatus > 299) failure = `the receiver answered ${httpStatus}`;
  } catch (err) {
    failure = err instanceof WebhookDeliveryFailed ? err.message : `could not deliver: ${String(err)}`;
  }
  const attempt: StoredAttempt = { at: deps.now().toISOString(), status: failure ? 'failed' : 'delivered', http_status: httpStatus, error: failure };
  const delivery = { delivery_id: input.delivery_id, event_id: input.event.id, kind: input.event.kind, started_at: input.started_at };
  const number = await recordAttempt(deps, { webhookId: webhook.webhook_id, delivery, attempt, status: failure ? 'pending' : 'delivered' });
  if (!failure) return { delivered: true, attempt: number, http_status: httpStatus! };
  throw new WebhookDeliveryFailed(`attempt ${number} of ${input.max_attempts}: ${failure}`);
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient });
