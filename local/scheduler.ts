import { ConflictException, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-scheduler';
import { logger } from '../core/lambda/logger';
import { serviceFromHandlers, type LocalService } from './service';

/** A schedule as EventBridge Scheduler would hold it: enough to fire its templated Step Functions target. */
export interface LocalSchedule {
  name: string;
  group: string;
  /** When it fires, epoch ms. */
  due: number;
  targetArn: string;
  input: string;
  maxRetries: number;
}

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

  readonly service: LocalService = serviceFromHandlers('Scheduler', {
    CreateScheduleCommand: async (input) => {
      const match = AT_EXPRESSION.exec(input.ScheduleExpression ?? '');
      if (!match) rejectInput('only one-time at(yyyy-mm-ddThh:mm:ss) schedules are available locally');
      if ((input.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') rejectInput('only UTC schedules are available locally');
      if (!input.Target?.Arn || typeof input.Target.Input !== 'string') rejectInput('Target.Arn and Target.Input are required');
      if (this.schedules.has(input.Name)) {
        throw new ConflictException(failure(`schedule ${input.Name} already exists`, 409));
      }
      const schedule: LocalSchedule = {
        name: input.Name,
        group: input.GroupName ?? 'default',
        due: Date.parse(`${match[1]}Z`),
        targetArn: input.Target.Arn,
        input: input.Target.Input,
        maxRetries: input.Target.RetryPolicy?.MaximumRetryAttempts ?? 0,
      };
      this.schedules.set(schedule.name, schedule);
      await this.persist();
      this.arm(schedule);
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${schedule.group}/${schedule.name}` };
    },
    DeleteScheduleCommand: async (input) => {
      if (!this.schedules.delete(input.Name)) {
        throw new ResourceNotFoundException(failure(`schedule ${input.Name} not found`, 404));
      }
      clearTimeout(this.timers.get(input.Name));
      this.timers.delete(input.Name);
      await this.persist();
      return {};
    },
    GetScheduleCommand: async (input) => {
      const schedule = this.schedules.get(input.Name);
      if (!schedule) {
        throw new ResourceNotFoundException(failure(`schedule ${input.Name} not found`, 404));
      }
      return {
        Name: schedule.name,
        GroupName: schedule.group,
        ScheduleExpression: `at(${new Date(schedule.due).toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        Target: { Arn: schedule.targetArn, Input: schedule.input },
      };
    },
  });

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
