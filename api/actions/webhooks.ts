import type * as z from '../../core/domain/zod';
import { newHexId } from '../../core/domain/ids';
import { ALL_EVENT_KINDS, newWebhookSecret, type Webhook } from '../../core/domain/webhook';
import { webhookTargetProblem } from '../../core/aws/webhook-http';
import { deleteWebhook as removeWebhook, getWebhook, listDeliveries, listWebhooks, putWebhook } from '../../core/aws/webhook-store';
import { badRequest, notFound } from '../errors';
import type { Reply } from '../http';
import type { RouteContext } from '../route';
import type { WebhookBodySchema, WebhookPathSchema } from '../webhook-schemas';

type WebhookPath = z.infer<typeof WebhookPathSchema>;

/**
 * Registers a webhook. The URL is checked before anything is written (HTTPS, and no private,
 * loopback or link-local target, its name resolved: `core/aws/webhook-http.ts`), so a refused URL
 * leaves nothing behind. The answer is the only place the secret is ever shown.
 */
export async function createWebhook({ body, services }: RouteContext<unknown, z.infer<typeof WebhookBodySchema>>): Promise<Reply> {
  const problem = await webhookTargetProblem(new URL(body.url), { allowLoopbackHttp: services.config.WEBHOOK_LOOPBACK_HTTP });
  if (problem) throw badRequest(`url ${problem}`, [{ path: 'url', message: problem }]);
  const webhook: Webhook = {
    webhook_id: newHexId(),
    url: body.url,
    // Each kind once, in the order EVENT_KINDS lists them.
    events: body.events ? ALL_EVENT_KINDS.filter((kind) => body.events!.includes(kind)) : ALL_EVENT_KINDS,
    description: body.description ?? '',
    created_at: services.now().toISOString(),
    secret: newWebhookSecret(),
  };
  await putWebhook(services, webhook);
  return { status: 201, body: webhook };
}

export async function getWebhooks({ services }: RouteContext<unknown, unknown>): Promise<Reply> {
  return { status: 200, body: await listWebhooks(services) };
}

/** Deletes a webhook: nothing more is delivered to it (a delivery being retried stops at its next try). */
export async function deleteWebhook({ params, services }: RouteContext<WebhookPath, unknown>): Promise<Reply> {
  if (!(await removeWebhook(services, params.id))) throw notFound(`webhook ${params.id} not found`);
  return { status: 204 };
}

export async function getDeliveries({ params, services }: RouteContext<WebhookPath, unknown>): Promise<Reply> {
  if (!(await getWebhook(services, params.id))) throw notFound(`webhook ${params.id} not found`);
  return { status: 200, body: await listDeliveries(services, params.id) };
}
