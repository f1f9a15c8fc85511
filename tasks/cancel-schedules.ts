import * as z from '../core/domain/zod';
import { deleteCloudSchedule } from '../core/aws/schedules';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { schedulerClient } from '../core/aws/clients/scheduler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store' | 'scheduler' | 'config'>;

/**
 * Deleting a stream cancels its schedules: each one still `scheduled` is deleted from EventBridge
 * Scheduler (one that fired meanwhile is already gone) and marked `cancelled`.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ cancelled: number }> {
  const item = await deps.store.mustGet(input.stream_id);
  const pending = Object.values(item.schedules).filter((s) => s.state === 'scheduled');
  for (const schedule of pending) await deleteCloudSchedule(deps, schedule.schedule_id);
  if (pending.length > 0) {
    await deps.store.mutate(input.stream_id, (current) => {
      const schedules = { ...current.schedules };
      for (const { schedule_id } of pending) {
        const schedule = schedules[schedule_id];
        if (schedule?.state === 'scheduled') schedules[schedule_id] = { ...schedule, state: 'cancelled' };
      }
      return { schedules };
    });
  }
  return { cancelled: pending.length };
}

export const handler = taskHandler(Input, run, { scheduler: schedulerClient, store: streamStore });
