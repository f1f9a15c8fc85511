import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { sfnClient } from '../core/aws/clients/sfn';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';
import { listWebhooks } from '../core/aws/webhook-store';
import { aws } from '../core/aws/calls';
import { EVENT_SOURCE, StreamEventSchema } from '../core/domain/events';
import { deliveryName, wantsEvent, type DeliveryInput } from '../core/domain/webhook';
import { DELIVERY_WORKFLOW } from '../core/domain/webhook-workflow';
import { taskHandler } from '../core/lambda/task-handler';

/**
 * A stream event as an EventBridge rule hands it to its target (the whole event; the fields read):
 * https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const Input = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string(),
  detail: StreamEventSchema,
});

type Deps = Pick<Services, 'dynamodb' | 'sfn' | 'config'>;

function isAlreadyStarted(err: unknown): boolean {
  return (err as { cause?: { name?: string } }).cause?.name === 'ExecutionAlreadyExists';
}

/**
 * Starts one delivery (`workflows/deliver-webhook.ts`) per webhook subscribed to the event's kind.
 * Each is named after the event and the webhook, so an event EventBridge hands over twice starts
 * nothing new: for a STANDARD machine, StartExecution with the name (and input) of a running
 * execution answers that execution, and with the name of a closed one `ExecutionAlreadyExists`
 * (@aws-sdk/client-sfn dist-types/commands/StartExecutionCommand.d.ts), which counts as started.
 * One failed start fails the task after the others were tried, and the rule's retry starts only
 * what is missing. Returns how many deliveries the event has.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ deliveries: number }> {
  const event = input.detail;
  const machineArn = deps.config.STATE_MACHINE_ARNS[DELIVERY_WORKFLOW];
  if (!machineArn) throw new Error(`no state machine is configured for '${DELIVERY_WORKFLOW}' (STATE_MACHINE_ARNS)`);
  const subscribed = (await listWebhooks(deps)).filter((webhook) => wantsEvent(webhook, event.kind));
  const outcomes = await Promise.allSettled(
    subscribed.map(async (webhook) => {
      const execution: DeliveryInput = { webhook_id: webhook.webhook_id, event };
      try {
        await aws(`starting the delivery of ${event.id} to webhook ${webhook.webhook_id}`, () =>
          deps.sfn.send(
            new StartExecutionCommand({ stateMachineArn: machineArn, name: deliveryName(webhook.webhook_id, event.id), input: JSON.stringify(execution) }),
          ),
        );
      } catch (err) {
        if (!isAlreadyStarted(err)) throw err;
      }
    }),
  );
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return { deliveries: subscribed.length };
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient, sfn: sfnClient });
