import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LocalScheduler, MISSED_AFTER_MS, type LocalSchedule, type SchedulerStorage } from '../../../local/scheduler';

class MemoryStorage implements SchedulerStorage {
  constructor(public saved: LocalSchedule[] = []) {}
  load() {
    return Promise.resolve(structuredClone(this.saved));
  }
  save(schedules: LocalSchedule[]) {
    this.saved = structuredClone(schedules);
    return Promise.resolve();
  }
}

const T0 = Date.parse('2026-06-01T09:00:00Z');
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:start';

function harness(storage = new MemoryStorage()) {
  const started: { arn: string; input: string; at: number }[] = [];
  const missed: { name: string; late: number }[] = [];
  const undeliverable: string[] = [];
  const scheduler = new LocalScheduler({
    storage,
    startExecution: (arn, input) => {
      started.push({ arn, input, at: Date.now() });
      return Promise.resolve();
    },
    onMissed: (schedule, late) => {
      missed.push({ name: schedule.name, late });
      return Promise.resolve();
    },
    onUndeliverable: (schedule) => {
      undeliverable.push(schedule.name);
      return Promise.resolve();
    },
  });
  return { scheduler, storage, started, missed, undeliverable };
}

function createCommand(name: string, at: string) {
  return {
    Name: name,
    GroupName: 'fm',
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    Target: { Arn: ARN, RoleArn: 'r', Input: JSON.stringify({ stream_id: 's', schedule_id: name }) },
  };
}

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(T0);
});
afterEach(() => { jest.useRealTimers(); });

describe('LocalScheduler', () => {
  it('fires a schedule on time with its input, once, and forgets it', async () => {
    const { scheduler, started, storage } = harness();
    await scheduler.start();
    await scheduler.service.handle('CreateScheduleCommand', createCommand('a', '2026-06-01T09:00:30'));

    await jest.advanceTimersByTimeAsync(29_000);
    expect(started).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(started).toEqual([{ arn: ARN, input: JSON.stringify({ stream_id: 's', schedule_id: 'a' }), at: T0 + 30_000 }]);
    expect(storage.saved).toEqual([]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(started).toHaveLength(1);
  });

  it('never fires a deleted schedule, and a second delete is NotFound', async () => {
    const { scheduler, started } = harness();
    await scheduler.start();
    await scheduler.service.handle('CreateScheduleCommand', createCommand('b', '2026-06-01T09:00:20'));
    await scheduler.service.handle('DeleteScheduleCommand', { Name: 'b', GroupName: 'fm' });

    await jest.advanceTimersByTimeAsync(60_000);

    expect(started).toHaveLength(0);
    await expect(scheduler.service.handle('DeleteScheduleCommand', { Name: 'b' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('rejects a duplicate name and anything but a one-time UTC schedule', async () => {
    const { scheduler } = harness();
    await scheduler.service.handle('CreateScheduleCommand', createCommand('c', '2026-06-01T10:00:00'));

    await expect(scheduler.service.handle('CreateScheduleCommand', createCommand('c', '2026-06-01T10:00:00'))).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(scheduler.service.handle('CreateScheduleCommand', { ...createCommand('d', 'x'), ScheduleExpression: 'rate(5 minutes)' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(scheduler.service.handle('CreateScheduleCommand', { ...createCommand('e', '2026-06-01T10:00:00'), ScheduleExpressionTimezone: 'Europe/Paris' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('after a restart, fires what came due less than 5 minutes ago and reports older ones as missed', async () => {
    const storage = new MemoryStorage([
      { name: 'recent', group: 'fm', due: T0 - 60_000, targetArn: ARN, roleArn: 'r', input: '{}', maxRetries: 0 },
      { name: 'old', group: 'fm', due: T0 - MISSED_AFTER_MS - 1_000, targetArn: ARN, roleArn: 'r', input: '{}', maxRetries: 0 },
      { name: 'future', group: 'fm', due: T0 + 5_000, targetArn: ARN, roleArn: 'r', input: '{}', maxRetries: 0 },
    ]);
    const { scheduler, started, missed } = harness(storage);

    await scheduler.start();
    await jest.advanceTimersByTimeAsync(0);

    expect(started.map((s) => s.at)).toEqual([T0]);
    expect(missed).toEqual([{ name: 'old', late: 301 }]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(started).toHaveLength(2);
    expect(storage.saved).toEqual([]);
  });

  it('retries a target that fails to start, then reports it undeliverable', async () => {
    const storage = new MemoryStorage();
    const undeliverable: string[] = [];
    let attempts = 0;
    const scheduler = new LocalScheduler({
      storage,
      startExecution: () => {
        attempts++;
        return Promise.reject(new Error('state machine missing'));
      },
      onMissed: () => Promise.resolve(),
      onUndeliverable: (schedule) => {
        undeliverable.push(schedule.name);
        return Promise.resolve();
      },
    });
    await scheduler.service.handle('CreateScheduleCommand', {
      ...createCommand('f', '2026-06-01T09:00:15'),
      Target: { ...createCommand('f', 'x').Target, RetryPolicy: { MaximumRetryAttempts: 2 } },
    });

    await jest.advanceTimersByTimeAsync(20_000);

    expect(attempts).toBe(3);
    expect(undeliverable).toEqual(['f']);
  });

  it('fires after the scaled lead under LOCAL_SCHEDULE_TIME_SCALE (tests only), and persists that time', async () => {
    const storage = new MemoryStorage();
    const started: number[] = [];
    const scheduler = new LocalScheduler({
      storage,
      startExecution: () => Promise.resolve(void started.push(Date.now())),
      onMissed: () => Promise.resolve(),
      onUndeliverable: () => Promise.resolve(),
      timeScale: 0.05,
    });
    await scheduler.start();
    // A 60 s lead at 1/20: due after 3 s.
    await scheduler.service.handle('CreateScheduleCommand', createCommand('scaled', '2026-06-01T09:01:00'));
    expect(storage.saved[0].due).toBe(T0 + 3000);

    await jest.advanceTimersByTimeAsync(2999);
    expect(started).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual([T0 + 3000]);
    scheduler.stop();
  });
});
