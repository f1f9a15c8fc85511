import * as z from '../core/domain/zod';
import { epochString } from '../core/domain/clock';
import { CONNECTOR_ACTION_NAMES } from '../core/domain/connector';
import { caughtFailureMessage } from '../core/domain/failure';
import type { StreamPatch } from '../core/aws/store';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  action: z.enum(CONNECTOR_ACTION_NAMES),
  execution_id: z.string(),
  /** The caught error, as a Catch with `resultPath: '$.failure'` leaves it. */
  failure: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
  /** A start names itself: its connector slot is freed (its task was stopped just before). */
  release_for: z.optional(z.string()),
});

type Deps = Pick<Services, 'store' | 'now'>;

/**
 * Records why a connector workflow failed as `last_error` (redacted). A failed start also frees the
 * connector slot it claimed, so the record never shows a connector that isn't there. A start that
 * failed because a stop was requested meanwhile is no error: the stop's workflow owns the slot now.
 * Unlike `record-failure`, never touches `state` or `claimed_by`: connectors run beside the
 * stream's own lifecycle.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ recorded: boolean }> {
  if (!(await deps.store.get(input.stream_id))) return { recorded: false };
  const lastError = {
    action: input.action,
    message: caughtFailureMessage(input.failure),
    at: epochString(deps.now()),
    execution_id: input.execution_id,
  };
  let recorded = false;
  await deps.store.mutate(input.stream_id, (item): StreamPatch | undefined => {
    recorded = false;
    if (!input.release_for) {
      recorded = true;
      return { last_error: lastError };
    }
    const owned = item.connector !== null && item.connector_execution === input.release_for;
    if (owned && item.connector!.state === 'stopping') return undefined;
    recorded = true;
    return { last_error: lastError, ...(owned ? { connector: null, connector_execution: null } : {}) };
  });
  return { recorded };
}

export const handler = taskHandler(Input, run, { store: streamStore });
