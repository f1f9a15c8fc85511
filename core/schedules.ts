import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { z } from 'zod';
import { aws, deleteIgnoringNotFound } from './errors';
import { requireSetting, type Config } from './config';
import { ownValue } from './own';
import type { StreamStore } from './store';

/**
 * Timed start and stop. Each schedule is a one-time EventBridge Scheduler schedule that starts the
 * action's state machine directly (no API in between), so the state machines enforce the state
 * rules themselves (`tasks/claim-stream.ts` marks the schedule `fired` or `skipped`). The stream
 * item keeps its schedules (`schedules` map) so the API lists them and their outcomes, and delete
 * cancels them.
 */
export const SCHEDULE_ACTIONS = ['start', 'stop'] as const;
/**
 * `failed`: the schedule came due but its workflow could not be started, after Scheduler's retries
 * (API.md lists it). That happens in the cloud too (the start lands in the schedules' dead-letter
 * queue, infra/scheduling.ts), but only the local runtime records it yet: nothing in the cloud reads
 * that queue back into the record. The state stays, as the contract's; the cloud reader is owed.
 */
export const SCHEDULE_STATES = ['scheduled', 'fired', 'skipped', 'failed', 'cancelled'] as const;

export const ScheduleSchema = z.object({
  schedule_id: z.string(),
  action: z.enum(SCHEDULE_ACTIONS),
  at: z.string(),
  state: z.enum(SCHEDULE_STATES),
  execution_id: z.string().optional(),
  error: z.string().optional(),
  /** The start body's fields, passed to the start workflow as its input. */
  start_options: z.record(z.string(), z.unknown()).optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const MIN_LEAD_SECONDS = 10;
export const MAX_LEAD_SECONDS = 366 * 24 * 3600;

/** ISO-8601 with an explicit UTC designator (`Z` or `+00:00`); seconds and fractions optional. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00)$/;

/** Why `at` can't be a schedule time, or `undefined` if it can. */
export function scheduleTimeProblem(at: string, now: Date): string | undefined {
  if (!ISO_UTC.test(at)) return 'must be an ISO-8601 UTC time, e.g. 2026-05-01T09:00:00Z';
  const when = Date.parse(at);
  if (Number.isNaN(when)) return 'is not a valid date';
  const lead = (when - now.getTime()) / 1000;
  if (lead < MIN_LEAD_SECONDS) return `must be at least ${MIN_LEAD_SECONDS} s in the future`;
  if (lead > MAX_LEAD_SECONDS) return 'must be within one year';
  return undefined;
}

/** `at(2026-05-01T09:00:00)`: EventBridge Scheduler's one-time expression (whole seconds, UTC). */
export function scheduleExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** The schedule's name in the deployment's schedule group (≤ 64 chars). */
export function scheduleName(scheduleId: string): string {
  return `fm-${scheduleId}`;
}

/** What the state machine receives when the schedule fires. */
export function scheduleInput(streamId: string, schedule: Schedule): Record<string, unknown> {
  return { ...(schedule.start_options ?? {}), stream_id: streamId, schedule_id: schedule.schedule_id };
}

type SchedulerDeps = { scheduler: SchedulerClient; config: Config };

/**
 * Creates the one-time schedule. The name is the idempotency key: a retry that finds it already
 * made is done. Retries (EventBridge's own) and a dead-letter queue catch a start that fails to
 * be delivered; the schedule deletes itself once it has fired.
 */
export async function createCloudSchedule(
  deps: SchedulerDeps,
  args: { streamId: string; schedule: Schedule; stateMachineArn: string },
): Promise<void> {
  const { config } = deps;
  try {
    await aws('creating schedule', () =>
      deps.scheduler.send(
        new CreateScheduleCommand({
          Name: scheduleName(args.schedule.schedule_id),
          GroupName: requireSetting(config, 'SCHEDULE_GROUP_NAME'),
          ScheduleExpression: scheduleExpression(new Date(args.schedule.at)),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description: `${args.schedule.action} stream ${args.streamId}`,
          Target: {
            Arn: args.stateMachineArn,
            RoleArn: requireSetting(config, 'SCHEDULER_ROLE_ARN'),
            Input: JSON.stringify(scheduleInput(args.streamId, args.schedule)),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 },
            ...(config.SCHEDULE_DLQ_ARN ? { DeadLetterConfig: { Arn: config.SCHEDULE_DLQ_ARN } } : {}),
          },
        }),
      ),
    );
  } catch (err) {
    if ((err as { cause?: unknown }).cause instanceof ConflictException) return;
    throw err;
  }
}

/** Deletes the schedule; one that already fired (and deleted itself) is already gone. */
export async function deleteCloudSchedule(deps: SchedulerDeps, scheduleId: string): Promise<void> {
  await deleteIgnoringNotFound('deleting schedule', () =>
    deps.scheduler.send(
      new DeleteScheduleCommand({
        Name: scheduleName(scheduleId),
        GroupName: requireSetting(deps.config, 'SCHEDULE_GROUP_NAME'),
      }),
    ),
  );
}

/** The API's view: soonest first, without the start options' internals. */
export function listSchedules(schedules: Record<string, Schedule>): Schedule[] {
  return Object.values(schedules)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map(({ start_options: _options, ...rest }) => rest);
}

/**
 * Records a schedule's outcome on its stream. Only a `scheduled` schedule moves on (a cancelled one
 * stays cancelled even if a late firing races the cancel); a stream deleted meanwhile needs nothing.
 */
export async function markSchedule(
  store: StreamStore,
  streamId: string,
  scheduleId: string,
  outcome: Pick<Schedule, 'state' | 'execution_id' | 'error'>,
): Promise<void> {
  if (!(await store.get(streamId))) return;
  await store.mutate(streamId, (item) => {
    const schedule = ownValue(item.schedules, scheduleId);
    if (!schedule || schedule.state !== 'scheduled') return undefined;
    return { schedules: { ...item.schedules, [scheduleId]: { ...schedule, ...definedOnly(outcome) } } };
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The stream and schedule a firing belongs to, read back from the input {@link scheduleInput} made. */
export function scheduleOfInput(input: unknown): { stream_id: string; schedule_id: string } | undefined {
  const parsed = z.object({ stream_id: z.string(), schedule_id: z.string() }).safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
