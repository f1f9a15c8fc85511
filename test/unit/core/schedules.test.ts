import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { createCloudSchedule, deleteCloudSchedule, markSchedule } from '../../../core/aws/schedules';
import { listSchedules, scheduleExpression, scheduleTimeProblem, type Schedule } from '../../../core/domain/schedule';
import { useStreamStore } from '../../fixtures/stream-store';

const now = new Date('2026-06-01T09:00:00Z');

describe('scheduleTimeProblem', () => {
  it.each([
    ['2026-06-01T09:00:10Z', undefined],
    ['2026-06-01T09:05:00+00:00', undefined],
    ['2026-06-01T09:00:09Z', 'must be at least 10 s in the future'],
    ['2026-06-01T08:00:00Z', 'must be at least 10 s in the future'],
    ['2027-06-03T09:00:00Z', 'must be within one year'],
    ['2026-06-01T11:00:00+02:00', 'must be an ISO-8601 UTC time, e.g. 2026-05-01T09:00:00Z'],
    ['tomorrow', 'must be an ISO-8601 UTC time, e.g. 2026-05-01T09:00:00Z'],
    ['2026-13-45T09:00:00Z', 'is not a valid date'],
  ])('%s → %s', (at, problem) => {
    expect(scheduleTimeProblem(at, now)).toBe(problem);
  });

  it('writes whole-second UTC at() expressions', () => {
    expect(scheduleExpression(new Date('2026-06-01T09:00:10.750Z'))).toBe('at(2026-06-01T09:00:10)');
  });
});

describe('cloud schedules', () => {
  const scheduler = mockClient(SchedulerClient);
  const config = loadConfig({ SCHEDULE_GROUP_NAME: 'fm-group', SCHEDULER_ROLE_ARN: 'arn:role', SCHEDULE_DLQ_ARN: 'arn:dlq' });
  const deps = { scheduler: scheduler as unknown as SchedulerClient, config };
  const schedule: Schedule = { schedule_id: 'abc', action: 'start', at: '2026-06-01T10:00:00Z', state: 'scheduled', start_options: { key_rotation_interval: 0 } };
  beforeEach(() => { scheduler.reset(); });

  it('creates a one-time UTC schedule that starts the state machine with the stream and schedule ids, deleting itself after', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await createCloudSchedule(deps, { streamId: 's1', schedule, stateMachineArn: 'arn:sm:start' });

    expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: 'fm-abc',
      GroupName: 'fm-group',
      ScheduleExpression: 'at(2026-06-01T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:sm:start',
        RoleArn: 'arn:role',
        Input: JSON.stringify({ key_rotation_interval: 0, stream_id: 's1', schedule_id: 'abc' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: { Arn: 'arn:dlq' },
      },
    });
  });

  it('treats an existing schedule of the same name as made (a retried request)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: { httpStatusCode: 409 } }));

    await expect(createCloudSchedule(deps, { streamId: 's1', schedule, stateMachineArn: 'arn:sm' })).resolves.toBeUndefined();
  });

  it('deletes, treating a schedule that already fired and went as deleted', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: { httpStatusCode: 404 } }));

    await expect(deleteCloudSchedule(deps, 'abc')).resolves.toBeUndefined();
    expect(scheduler).toHaveReceivedCommandWith(DeleteScheduleCommand, { Name: 'fm-abc', GroupName: 'fm-group' });
  });
});

describe('markSchedule', () => {
  const store = useStreamStore();

  it('moves a scheduled schedule on once, and never revives a cancelled one', async () => {
    const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
    await store().create({
      ...item,
      schedules: {
        a: { schedule_id: 'a', action: 'start', at: '2026-06-01T10:00:00Z', state: 'scheduled' },
        b: { schedule_id: 'b', action: 'stop', at: '2026-06-01T09:30:00Z', state: 'cancelled' },
      },
    });

    await markSchedule(store(), item.id, 'a', { state: 'skipped', error: "cannot start a stream in state 'running'" });
    await markSchedule(store(), item.id, 'a', { state: 'fired', execution_id: 'late' });
    await markSchedule(store(), item.id, 'b', { state: 'fired', execution_id: 'x' });

    const stored = await store().mustGet(item.id);
    expect(listSchedules(stored.schedules)).toEqual([
      { schedule_id: 'b', action: 'stop', at: '2026-06-01T09:30:00Z', state: 'cancelled' },
      { schedule_id: 'a', action: 'start', at: '2026-06-01T10:00:00Z', state: 'skipped', error: "cannot start a stream in state 'running'" },
    ]);
  });
});
