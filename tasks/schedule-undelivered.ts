import * as z from '../core/domain/zod';
import { epochString } from '../core/domain/clock';
import { NotFound } from '../core/domain/errors';
import { guardFiringOf, type GuardFiring } from '../core/domain/guards';
import { isStarted } from '../core/domain/record';
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

type Deps = Pick<Services, 'store' | 'now'>;

/** Lambda's partial batch response: only the messages listed here go back to the queue. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const MAX_ERROR = 1024;

/** What a dead letter's body (the target's input) is: a timed start or stop, or a cost guard's firing (core/domain/guards.ts). */
function readBody(body: string): { schedule?: { stream_id: string; schedule_id: string }; guard?: GuardFiring } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  const guard = guardFiringOf(parsed);
  return guard ? { guard } : { schedule: scheduleOfInput(parsed) };
}

/**
 * A guard whose stop was never started: the session it should have ended still runs (and costs).
 * It has no schedule entry to mark, so the stream's `last_error` says so while that session is the
 * current one and still running; for max_session the ChannelsPastGuard alarm follows too.
 */
async function recordUndeliveredGuard(deps: Deps, guard: GuardFiring, message: DeadLetter): Promise<void> {
  logger.error('a cost guard could not start the stop workflow; its session may still run', {
    streamId: guard.stream_id,
    reason: guard.reason,
    errorCode: message.messageAttributes.ERROR_CODE?.stringValue,
  });
  try {
    await deps.store.mutate(guard.stream_id, (item) =>
      item.current_session_id !== guard.session_id || !isStarted(item.state)
        ? undefined
        : {
            last_error: {
              action: 'stop',
              message: `the ${guard.reason} guard ${errorOf(message)}; the session it should have stopped still runs: stop it`.slice(0, MAX_ERROR),
              at: epochString(deps.now()),
              execution_id: null,
            },
          },
    );
  } catch (err) {
    // A stream deleted meanwhile runs nothing.
    if (!(err instanceof NotFound)) throw err;
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
 * marks it (only a `scheduled` schedule moves: a fired or cancelled one stays as it is); a cost
 * guard's firing is put on its stream's `last_error`, as its session still runs. A message
 * that names no schedule can never be recorded: it is logged (its id and error code only, the body
 * holds the start options) and let go, not retried until the queue drops it. A store write that
 * fails puts only that message back on the queue (`batchItemFailures`), so the others are not redone.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<BatchResponse> {
  const batchItemFailures: BatchResponse['batchItemFailures'] = [];
  for (const message of input.Records) {
    const { schedule, guard } = readBody(message.body);
    if (!schedule && !guard) {
      logger.error('undelivered schedule message names no schedule; dropped', {
        messageId: message.messageId,
        errorCode: message.messageAttributes.ERROR_CODE?.stringValue,
      });
      continue;
    }
    try {
      if (guard) {
        await recordUndeliveredGuard(deps, guard, message);
      } else if (schedule) {
        await markSchedule(deps.store, schedule.stream_id, schedule.schedule_id, { state: 'failed', error: errorOf(message) });
        logger.warn('undelivered schedule: marked failed unless it had already moved on', { streamId: schedule.stream_id, scheduleId: schedule.schedule_id });
      }
    } catch (err) {
      logger.error('recording an undelivered schedule failed; the message goes back to the queue', {
        messageId: message.messageId,
        streamId: (schedule ?? guard)?.stream_id,
        error: String(err),
      });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}

export const handler = taskHandler(Input, run, { store: streamStore });
