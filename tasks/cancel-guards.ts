import * as z from '../core/domain/zod';
import { cancelGuards } from '../core/aws/guards';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { schedulerClient } from '../core/aws/clients/scheduler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store' | 'scheduler' | 'config'>;

/**
 * A session that ends (a stop by any path, a start that failed) cancels its guards: the maximum
 * length and the live idle arming are deleted from Scheduler (one that fired is already gone).
 * Tidying only: a guard that escapes its cancel finds its session over and changes nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ cancelled: boolean }> {
  const item = await deps.store.mustGet(input.stream_id);
  if (!item.guards) return { cancelled: false };
  await cancelGuards(deps, item.guards);
  return { cancelled: true };
}

export const handler = taskHandler(Input, run, { scheduler: schedulerClient, store: streamStore });
