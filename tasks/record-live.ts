import { z } from 'zod';
import { NotFound } from '../core/errors';
import type { Services } from '../core/services';
import { taskHandler } from '../core/task-handler';

/** Live with the viewer URL through the live distribution, or not live with none. */
export const Input = z.discriminatedUnion('live', [
  z.object({ stream_id: z.string(), live: z.literal(true), live_endpoint: z.string().url() }),
  // CDK drops a null from a task's payload, so "not live" arrives without `live_endpoint`.
  z.object({ stream_id: z.string(), live: z.literal(false), live_endpoint: z.null().default(null) }),
]);

type Deps = Pick<Services, 'store'>;

/**
 * Records whether the stream is on the live distribution. Only `live` and `live_endpoint` are
 * written, by a retried read-modify-write, so what a concurrent start writes survives. A stream
 * deleted meanwhile (delete dissociates first) needs nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps) {
  try {
    await deps.store.mutate(input.stream_id, (item) =>
      item.live === input.live && item.live_endpoint === input.live_endpoint
        ? undefined
        : { live: input.live, live_endpoint: input.live_endpoint },
    );
  } catch (err) {
    if (err instanceof NotFound) return { stream_id: input.stream_id, live: input.live, recorded: false };
    throw err;
  }
  return { stream_id: input.stream_id, live: input.live, recorded: true };
}

export const handler = taskHandler(Input, run);
