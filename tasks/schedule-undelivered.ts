import * as z from '../core/domain/zod';
import { redactText } from '../core/domain/redact';
import { scheduleOfInput } from '../core/domain/schedule';
import { markSchedule } from '../core/aws/schedules';
import type { Services } from '../core/aws/services';
import { logger } from '../core/lambda/logger';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

/**
 * The SQS event Lambda receives from the schedules' dead-letter queue (the fields we read). Each
 * record is one dead-letter event of EventBridge Scheduler: its body is the target's input (what
 * `scheduleInput` made), its message attributes say why the start failed (`ERROR_CODE`,
 * `ERROR_MESSAGE`, …) — https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export const Input = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
      body: z.string(),
      messageAttributes: z._default(z.record(z.string(), z.object({ stringValue: z.optional(z.string()) })), {}),
    }),
  ),
});
type DeadLetter = z.infer<typeof Input>['Records'][number];

type Deps = Pick<Services, 'store'>;

/** Lambda's partial batch response: only the messages listed here go back to the queue. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const MAX_ERROR = 1024;

function readBody(body: string): { stream_id: string; schedule_id: string } | undefined {
  try {
    return scheduleOfInput(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/** Why the start failed, as Scheduler reports it; redacted, since the message may quote the target's input. */
function errorOf(message: DeadLetter): string {
  const attribute = (name: string) => message.messageAttributes[name]?.stringValue;
  const why = [attribute('ERROR_CODE'), attribute('ERROR_MESSAGE')].filter(Boolean).join(': ') || 'no reason given';
  return redactText(`could not start its workflow: ${why}`).slice(0, MAX_ERROR);
}

/**
 * The cloud's reader of undelivered firings: a schedule whose state machine EventBridge Scheduler
 * could not start after its retries is marked `failed` with Scheduler's error, as the local runtime
 * marks it (only a `scheduled` schedule moves: a fired or cancelled one stays as it is). A message
 * that names no schedule can never be recorded: it is logged (its id and error code only, the body
 * holds the start options) and let go, not retried until the queue drops it. A store write that
 * fails puts only that message back on the queue (`batchItemFailures`), so the others are not redone.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<BatchResponse> {
  const batchItemFailures: BatchResponse['batchItemFailures'] = [];
  for (const message of input.Records) {
    const schedule = readBody(message.body);
    if (!schedule) {
      logger.error('undelivered schedule message names no schedule; dropped', {
        messageId: message.messageId,
        errorCode: message.messageAttributes.ERROR_CODE?.stringValue,
      });
      continue;
    }
    try {
      await markSchedule(deps.store, schedule.stream_id, schedule.schedule_id, { state: 'failed', error: errorOf(message) });
      logger.warn('undelivered schedule: marked failed unless it had already moved on', { streamId: schedule.stream_id, scheduleId: schedule.schedule_id });
    } catch (err) {
      logger.error('recording an undelivered schedule failed; the message goes back to the queue', {
        messageId: message.messageId,
        streamId: schedule.stream_id,
        error: String(err),
      });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}

export const handler = taskHandler(Input, run, { store: streamStore });
