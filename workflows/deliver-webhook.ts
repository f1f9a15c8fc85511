import { Duration } from 'aws-cdk-lib';
import { Errors, Fail, JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { DELIVERY_WORKFLOW } from '../core/domain/webhook-workflow';
import { ErrorNames } from '../core/domain/errors';
import { defineWorkflow } from './definition';
import { invoke } from './steps';

export const DELIVER_WEBHOOK_STATES = {
  deliver: 'Deliver webhook',
  markExhausted: 'Mark delivery exhausted',
  failed: 'Delivery exhausted',
} as const;

/**
 * The retry schedule of one delivery: "for 24 h" (docs/WEBHOOKS.md). Step Functions waits
 * `IntervalSeconds × BackoffRate^(n-1)` before retry n, capped at `MaxDelaySeconds`, and with FULL
 * jitter a uniformly random time between 0 and that
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error).
 * Computed waits: 30, 60, 120, 240, 480, 960, 1920 s (retries 1–7, sum 3810 s), then 3600 s for
 * retries 8–54 (47 × 3600 = 169200 s). With full jitter each wait averages half its computed
 * value: 1905 + 84600 = 86505 s ≈ 24.0 h on average from the first try to the last (the 47 capped
 * waits' spread, √47 × 3600/√12 ≈ 2 h, keeps it within about 22–26 h); tries take ≤ 10 s each.
 */
export const DELIVERY_RETRY = {
  intervalSeconds: 30,
  backoffRate: 2,
  maxDelaySeconds: 3600,
  retries: 54,
} as const;
/** The first try and every retry; once the last has failed, the Catch marks the delivery `exhausted`. */
export const DELIVERY_MAX_ATTEMPTS = DELIVERY_RETRY.retries + 1;

/**
 * deliver_webhook: one event to one webhook (started by `tasks/fan-out-webhooks.ts`, named after
 * both, so a repeated event is the same execution). One Task tries the POST (`tasks/deliver-webhook.ts`
 * reads the secret itself: it is never in this execution's input or output); a failed try is
 * retried on the schedule above. Whatever ends the last try (its failure, the Task's timeout, a
 * Lambda error) is caught: the delivery is marked `exhausted` (so none stays `pending` forever),
 * then the execution fails, which the failed-executions alarm of every state machine reports.
 */
export const deliverWebhookWorkflow = defineWorkflow({
  action: DELIVERY_WORKFLOW,
  description: 'Delivers one stream event to one webhook, signed, retried with backoff for 24 h.',
  tasks: ['deliver-webhook', 'mark-delivery-exhausted'],
  // The last try starts about 24 h after the first; at most 3810 + 47 × 3600 = 173010 s ≈ 48 h, were every jittered wait at its cap.
  timeout: Duration.hours(50),
  build(scope, fn) {
    const deliver = invoke(scope, DELIVER_WEBHOOK_STATES.deliver, fn['deliver-webhook'], {
      payload: {
        'webhook_id.$': '$.webhook_id',
        'event.$': '$.event',
        'delivery_id.$': '$$.Execution.Name',
        'started_at.$': '$$.Execution.StartTime',
        max_attempts: DELIVERY_MAX_ATTEMPTS,
      },
      // A try waits 10 s for the receiver (tasks/deliver-webhook.ts), plus two small DynamoDB calls.
      // The Task's timeout stays above the Lambda's (`taskTimeoutSeconds`, ≤ 55 s), as every
      // step's does: a Task that timed out first would leave its Lambda running, able to record a
      // try after the delivery was marked exhausted.
      timeout: Duration.seconds(60),
    });
    deliver.addRetry({
      // A Lambda that times out or runs out of memory is `Lambda.Unknown`
      // (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
      errors: [ErrorNames.WebhookDeliveryFailed, 'States.Timeout', 'Lambda.Unknown'],
      interval: Duration.seconds(DELIVERY_RETRY.intervalSeconds),
      backoffRate: DELIVERY_RETRY.backoffRate,
      maxDelay: Duration.seconds(DELIVERY_RETRY.maxDelaySeconds),
      maxAttempts: DELIVERY_RETRY.retries,
      jitterStrategy: JitterType.FULL,
    });
    const markExhausted = invoke(scope, DELIVER_WEBHOOK_STATES.markExhausted, fn['mark-delivery-exhausted'], {
      payload: {
        'webhook_id.$': '$.webhook_id',
        'event.$': '$.event',
        'delivery_id.$': '$$.Execution.Name',
        'started_at.$': '$$.Execution.StartTime',
        'error.$': '$.failure.Error',
      },
      resultPath: '$.exhausted',
    });
    deliver.addCatch(markExhausted, { errors: [Errors.ALL], resultPath: '$.failure' });
    markExhausted.next(
      new Fail(scope, DELIVER_WEBHOOK_STATES.failed, {
        stateName: DELIVER_WEBHOOK_STATES.failed,
        error: ErrorNames.WebhookDeliveryFailed,
        cause: 'every try this delivery was allowed failed; GET /webhooks/{id}/deliveries lists them',
      }),
    );
    return deliver;
  },
});
