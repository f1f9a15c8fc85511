import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { run } from '../../../tasks/cancel-schedules';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const scheduler = mockClient(SchedulerClient);
const config = loadConfig({ SCHEDULE_GROUP_NAME: 'fm' });

describe('cancel-schedules', () => {
  it('deletes and cancels only the schedules still pending', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
    await store().create({
      ...item,
      schedules: {
        a: { schedule_id: 'a', action: 'start', at: '2026-06-01T10:00:00Z', state: 'scheduled' },
        b: { schedule_id: 'b', action: 'stop', at: '2026-06-01T09:00:00Z', state: 'fired', execution_id: 'x' },
      },
    });

    const out = await run({ stream_id: item.id }, { store: store(), scheduler: scheduler as unknown as SchedulerClient, config });

    expect(out).toEqual({ cancelled: 1 });
    expect(scheduler).toHaveReceivedCommandTimes(DeleteScheduleCommand, 1);
    expect(scheduler).toHaveReceivedCommandWith(DeleteScheduleCommand, { Name: 'fm-a', GroupName: 'fm' });
    const stored = await store().mustGet(item.id);
    expect(stored.schedules.a?.state).toBe('cancelled');
    expect(stored.schedules.b?.state).toBe('fired');
  });
});
