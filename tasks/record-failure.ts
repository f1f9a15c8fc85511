import * as z from '../core/domain/zod';
import { epochString } from '../core/domain/clock';
import { StreamStateSchema, isStarted } from '../core/domain/record';
import { caughtFailureMessage } from '../core/domain/failure';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  action: z.string(),
  execution_id: z.string(),
  /** The failing execution: the claim is released, and `state` written, only while the claim is its own. */
  execution_name: z.string(),
  /** The caught error, as a Catch with `resultPath: '$.failure'` leaves it. */
  failure: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
  /**
   * Compensation steps that failed as well, by what they were deleting: those resources are still
   * referenced by the record, and the message says so, for an operator's later DELETE.
   */
  cleanup: z.optional(z.record(z.string(), z.object({ Error: z.string(), Cause: z.optional(z.string()) }))),
  /** The state the stream is left in; absent: unchanged. */
  state: z.optional(StreamStateSchema),
});

type Deps = Pick<Services, 'store' | 'now'>;

/**
 * Records why a workflow failed as the stream's `last_error` (redacted: never a stream key), and,
 * while this execution holds the stream's claim, moves the stream to `state` and releases the
 * claim. A stream another execution claimed meanwhile (a delete during a start) keeps its state;
 * one deleted meanwhile needs nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ stream_id: string; message: string }> {
  const cleanup = Object.entries(input.cleanup ?? {}).map(([what, failure]) => `${what}: ${caughtFailureMessage(failure)}`);
  const message = (
    caughtFailureMessage(input.failure) + (cleanup.length ? `; cleanup failed, kept for a later delete: ${cleanup.join('; ')}` : '')
  ).slice(0, 1024);
  const existing = await deps.store.get(input.stream_id);
  if (!existing) return { stream_id: input.stream_id, message };
  await deps.store.mutate(input.stream_id, (item) => ({
    last_error: { action: input.action, message, at: epochString(deps.now()), execution_id: input.execution_id },
    // A live/update failing beside a start must not release the start's claim, nor move its state.
    ...(item.claimed_by === input.execution_name
      ? {
          claimed_by: null,
          // A failure rests the stream idle or failed, never running: nothing is pushing to a session then.
          ...(input.state ? { state: input.state, started: isStarted(input.state), input_connected: null } : {}),
        }
      : {}),
  }));
  return { stream_id: input.stream_id, message };
}

export const handler = taskHandler(Input, run, { store: streamStore });
