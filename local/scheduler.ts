import type * as Scheduler from '@aws-sdk/client-scheduler';
import { ConflictException, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-scheduler';
import { z } from 'zod';
import { logger } from '../core/lambda/logger';
import { serviceFromHandlers, type LocalService } from './service';

/** A schedule as EventBridge Scheduler would hold it: enough to fire its templated Step Functions target. */
export const LocalScheduleSchema = z.object({
  name: z.string(),
  group: z.string(),
  /** When it fires, epoch ms. */
  due: z.number(),
  targetArn: z.string(),
  /** The role the target is started with; schedules saved before it was kept have none to show. */
  roleArn: z.string().default(''),
  input: z.string(),
  maxRetries: z.number(),
});
export type LocalSchedule = z.infer<typeof LocalScheduleSchema>;

export interface SchedulerStorage {
  load(): Promise<LocalSchedule[]>;
  save(schedules: LocalSchedule[]): Promise<void>;
}

export interface LocalSchedulerOptions {
  storage: SchedulerStorage;
  /** Starts the target state machine (the local Step Functions service). */
  startExecution(stateMachineArn: string, input: string): Promise<void>;
  /** A schedule that came due while the runtime was down, too late to fire. */
  onMissed(schedule: LocalSchedule, lateSeconds: number): Promise<void>;
  /** A schedule whose target could not be started after its retries (the cloud's dead-letter queue). */
  onUndeliverable(schedule: LocalSchedule, error: unknown): Promise<void>;
  now?: () => number;
  /**
   * Tests only (`LOCAL_SCHEDULE_TIME_SCALE`): a schedule fires after this fraction of its lead, so
   * a cost guard the API allows no shorter than 60 s fires in seconds. Default 1: on time.
   */
  timeScale?: number;
}

/** A schedule that came due while the runtime was down still fires if it is at most this late. */
export const MISSED_AFTER_MS = 5 * 60 * 1000;
/** setTimeout's longest delay (~24.8 days); farther schedules re-arm in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_DELAY_MS = 1000;

const AT_EXPRESSION = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/** Scheduler's exceptions carry `Message` as well as `message`; the SDK's constructor wants both. */
function failure(message: string, status: number) {
  return { message, Message: message, $metadata: { httpStatusCode: status } };
}

function rejectInput(message: string): never {
  throw new ValidationException(failure(message, 400));
}

/**
 * EventBridge Scheduler, locally: one-time `at(...)` schedules (UTC) that start a state machine on
 * time, are deleted once fired (`ActionAfterCompletion: DELETE`), persist across restarts, and on
 * start-up fire what came due while the runtime was down if less than {@link MISSED_AFTER_MS} late;
 * older ones are reported as missed instead.
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the persisted schedules and arms them, catching up on what came due while down. */
  async start(): Promise<void> {
    for (const schedule of await this.options.storage.load()) {
      this.schedules.set(schedule.name, schedule);
      const late = this.now() - schedule.due;
      if (late > MISSED_AFTER_MS) {
        this.schedules.delete(schedule.name);
        await this.options.onMissed(schedule, Math.round(late / 1000));
      } else {
        this.arm(schedule);
      }
    }
    await this.persist();
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  readonly service: LocalService = serviceFromHandlers<typeof Scheduler>('Scheduler', {
    CreateScheduleCommand: async (input) => {
      const match = AT_EXPRESSION.exec(input.ScheduleExpression ?? '');
      if (!match) rejectInput('only one-time at(yyyy-mm-ddThh:mm:ss) schedules are available locally');
      if ((input.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') rejectInput('only UTC schedules are available locally');
      const { Name: name, Target: target } = input;
      if (!name) rejectInput('Name is required');
      // Target.Arn and Target.RoleArn are required members of Target (SDK model doc,
      // @aws-sdk/client-scheduler dist-types/models/models_0.d.ts, interface Target).
      if (!target?.Arn || !target.RoleArn || typeof target.Input !== 'string') rejectInput('Target.Arn, Target.RoleArn and Target.Input are required');
      if (this.schedules.has(name)) {
        throw new ConflictException(failure(`schedule ${name} already exists`, 409));
      }
      const schedule: LocalSchedule = {
        name,
        group: input.GroupName ?? 'default',
        due: this.scaled(Date.parse(`${match[1]}Z`)),
        targetArn: target.Arn,
        roleArn: target.RoleArn,
        input: target.Input,
        maxRetries: target.RetryPolicy?.MaximumRetryAttempts ?? 0,
      };
      this.schedules.set(schedule.name, schedule);
      await this.persist();
      this.arm(schedule);
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${schedule.group}/${schedule.name}` };
    },
    DeleteScheduleCommand: async (input) => {
      const name = input.Name ?? '';
      if (!this.schedules.delete(name)) {
        throw new ResourceNotFoundException(failure(`schedule ${name} not found`, 404));
      }
      clearTimeout(this.timers.get(name));
      this.timers.delete(name);
      await this.persist();
      return {};
    },
    GetScheduleCommand: (input) => {
      const schedule = this.schedules.get(input.Name ?? '');
      if (!schedule) {
        throw new ResourceNotFoundException(failure(`schedule ${String(input.Name)} not found`, 404));
      }
      return {
        Name: schedule.name,
        GroupName: schedule.group,
        ScheduleExpression: `at(${new Date(schedule.due).toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        Target: { Arn: schedule.targetArn, RoleArn: schedule.roleArn, Input: schedule.input },
      };
    },
  });

  /** When a schedule due at `at` fires: on time, or after the scaled lead (see {@link LocalSchedulerOptions.timeScale}). */
  private scaled(at: number): number {
    const scale = this.options.timeScale ?? 1;
    if (scale === 1) return at;
    const now = this.now();
    return now + Math.max(0, at - now) * scale;
  }

  private arm(schedule: LocalSchedule): void {
    const delay = Math.max(0, schedule.due - this.now());
    const timer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.arm(schedule) : void this.fire(schedule)),
      Math.min(delay, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(schedule.name, timer);
  }

  private async fire(schedule: LocalSchedule): Promise<void> {
    this.timers.delete(schedule.name);
    if (this.schedules.get(schedule.name) !== schedule) return; // deleted meanwhile
    this.schedules.delete(schedule.name);
    await this.persist();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.startExecution(schedule.targetArn, schedule.input);
        return;
      } catch (err) {
        if (attempt >= schedule.maxRetries) {
          logger.error('schedule target could not be started', { schedule: schedule.name, error: String(err) });
          await this.options.onUndeliverable(schedule, err);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private async persist(): Promise<void> {
    await this.options.storage.save([...this.schedules.values()]);
  }
}
