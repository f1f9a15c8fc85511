import * as z from '../core/domain/zod';
import { epochString } from '../core/domain/clock';
import { inputConnected } from '../core/domain/guards';
import { StopReasonSchema, StreamStateSchema, isStarted, type StreamItem } from '../core/domain/record';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  /** The state the action ends in. */
  state: StreamStateSchema,
  /** Epoch-second timestamps to stamp now, e.g. `last_stopped`. */
  stamp: z._default(z.array(z.enum(['last_started', 'last_stopped'])), []),
  /** The execution ending: its outcome lands only while it still holds the stream's claim. */
  execution_name: z.string(),
  /** A stop's reason, recorded as `stop_reason`. */
  stop_reason: z.optional(StopReasonSchema),
});

/** `input_connected` in the state the action ends in: the session's alert state while running, else null. */
function inputConnectedIn(state: string, item: StreamItem): boolean | null {
  if (state !== 'running') return null;
  return item.guards ? inputConnected(item.guards) : null;
}

type Deps = Pick<Services, 'store' | 'now'>;

/**
 * Last step of a successful workflow: puts the stream in its resting state, stamps the times the
 * action defines, and releases the claim so the next action may begin. Only while this execution
 * still holds the claim: one that another execution took meanwhile (a delete during a start) is
 * that execution's to record, and nothing is written over it. `input_connected` follows the state
 * (null unless running), and a stop records its `stop_reason`.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ stream_id: string; state: string; recorded: boolean }> {
  const now = epochString(deps.now());
  let recorded = false;
  const item = await deps.store.mutate(input.stream_id, (current) => {
    recorded = current.claimed_by === input.execution_name;
    if (!recorded) return undefined;
    return {
      state: input.state,
      started: isStarted(input.state),
      claimed_by: null,
      input_connected: inputConnectedIn(input.state, current),
      ...(input.stop_reason ? { stop_reason: input.stop_reason } : {}),
      ...Object.fromEntries(input.stamp.map((field) => [field, now])),
    };
  });
  return { stream_id: item.id, state: item.state, recorded };
}

export const handler = taskHandler(Input, run, { store: streamStore });
