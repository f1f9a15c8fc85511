import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';
import { markExhausted, recordAttempt } from '../core/aws/webhook-store';
import { Conflict, ErrorNames } from '../core/domain/errors';
import { StreamEventSchema } from '../core/domain/events';
import { taskHandler } from '../core/lambda/task-handler';

/** The delivery workflow's Catch: the delivery as the tries saw it, and the error that ended the last one. */
export const Input = z.object({
  webhook_id: z.string(),
  event: StreamEventSchema,
  delivery_id: z.string(),
  started_at: z.string(),
  /** The name of the error Step Functions caught (its `Error`; the `Cause` is not needed). */
  error: z.string(),
});

type Deps = Pick<Services, 'dynamodb' | 'config' | 'now'>;

/**
 * The last step of a delivery whose tries are used up (`workflows/deliver-webhook.ts`): no more
 * will come, so it is `exhausted`. A try that failed as WebhookDeliveryFailed recorded itself; one
 * that did not end (the Task's own timeout, a Lambda failure) did not, and is recorded here as a
 * failed try naming the error, so even a delivery whose every try timed out shows why it ended.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ exhausted: true }> {
  const delivery = { delivery_id: input.delivery_id, event_id: input.event.id, kind: input.event.kind, started_at: input.started_at };
  if (input.error === ErrorNames.WebhookDeliveryFailed) {
    await markExhausted(deps, input.webhook_id, delivery);
  } else {
    const attempt = { at: deps.now().toISOString(), status: 'failed' as const, http_status: null, error: `the try did not end: ${input.error}` };
    try {
      await recordAttempt(deps, { webhookId: input.webhook_id, delivery, attempt, status: 'exhausted' });
    } catch (err) {
      // Already exhausted: this step ran before (a retry of it after its write landed).
      if (!(err instanceof Conflict)) throw err;
    }
  }
  return { exhausted: true };
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient });
