import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { ownValue } from '../domain/own';
import { scheduleExpression, scheduleInput, scheduleName, type Schedule } from '../domain/schedule';
import { requireSetting, type Config } from '../lambda/config';
import { aws, deleteIgnoringNotFound } from './calls';
import type { StreamStore } from './store';

// The stream's timed starts and stops in EventBridge Scheduler, and their outcomes on the record
// (the rules: `core/domain/schedule.ts`).

export type SchedulerDeps = { scheduler: SchedulerClient; config: Config };

/** A one-time schedule that starts `stateMachineArn` with `input` at `at`, in the deployment's group. */
export interface OneTimeSchedule {
  name: string;
  at: Date;
  description: string;
  stateMachineArn: string;
  input: Record<string, unknown>;
}

/**
 * Creates a one-time schedule. The name is the idempotency key: a retry that finds it already
 * made is done. Retries (EventBridge's own) and a dead-letter queue catch a firing that fails to
 * be delivered; the schedule deletes itself once it has fired.
 */
export async function createOneTimeSchedule(deps: SchedulerDeps, schedule: OneTimeSchedule): Promise<void> {
  const { config } = deps;
  try {
    await aws('creating schedule', () =>
      deps.scheduler.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: requireSetting(config, 'SCHEDULE_GROUP_NAME'),
          ScheduleExpression: scheduleExpression(schedule.at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description: schedule.description,
          Target: {
            Arn: schedule.stateMachineArn,
            RoleArn: requireSetting(config, 'SCHEDULER_ROLE_ARN'),
            Input: JSON.stringify(schedule.input),
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

/** Deletes a schedule of the group; one that already fired (and deleted itself) is already gone. */
export async function deleteScheduleNamed(deps: SchedulerDeps, name: string): Promise<void> {
  await deleteIgnoringNotFound('deleting schedule', () =>
    deps.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: requireSetting(deps.config, 'SCHEDULE_GROUP_NAME') })),
  );
}

/** A stream's timed start or stop as its one-time schedule. */
export async function createCloudSchedule(
  deps: SchedulerDeps,
  args: { streamId: string; schedule: Schedule; stateMachineArn: string },
): Promise<void> {
  await createOneTimeSchedule(deps, {
    name: scheduleName(args.schedule.schedule_id),
    at: new Date(args.schedule.at),
    description: `${args.schedule.action} stream ${args.streamId}`,
    stateMachineArn: args.stateMachineArn,
    input: scheduleInput(args.streamId, args.schedule),
  });
}

export async function deleteCloudSchedule(deps: SchedulerDeps, scheduleId: string): Promise<void> {
  await deleteScheduleNamed(deps, scheduleName(scheduleId));
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

