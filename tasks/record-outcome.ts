import { z } from 'zod';
import { epochString } from '../core/clock';
import { StreamStateSchema, isStarted } from '../core/record';
import type { Services } from '../core/services';
import { taskHandler } from '../core/task-handler';

export const Input = z.object({
  stream_id: z.string(),
  /** The state the action ends in. */
  state: StreamStateSchema,
  /** Epoch-second timestamps to stamp now, e.g. `last_stopped`. */
  stamp: z.array(z.enum(['last_started', 'last_stopped'])).default([]),
});

type Deps = Pick<Services, 'store' | 'now'>;

/**
 * Last step of a successful workflow: puts the stream in its resting state, stamps the times the
 * action defines, and releases the claim so the next action may begin.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ stream_id: string; state: string }> {
  const now = epochString(deps.now());
  const item = await deps.store.mutate(input.stream_id, () => ({
    state: input.state,
    started: isStarted(input.state),
    claimed_by: null,
    ...Object.fromEntries(input.stamp.map((field) => [field, now])),
  }));
  return { stream_id: item.id, state: item.state };
}

export const handler = taskHandler(Input, run);
