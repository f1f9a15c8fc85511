import * as z from '../core/domain/zod';
import { CONNECTOR_ACTION_NAMES, startsConnector } from '../core/domain/connector';
import { takeConnectorSlot, requestConnectorStop } from '../core/aws/connector-slot';
import { Invalid } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  action: z.enum(CONNECTOR_ACTION_NAMES),
  execution_name: z.string(),
  execution_id: z.string(),
  /** The meeting, for a start (the execution's input); stops have none. */
  chime_url: z.optional(z.string()),
});

type Deps = Pick<Services, 'store' | 'now'>;

export interface HeldConnector {
  stream_id: string;
  target: string;
  state: string;
  /** The connector in the slot (its start execution): what every later step of the workflow acts on, and only on. */
  connector_execution: string | null;
}

/**
 * First step of the connector workflows: takes (start) or releases (stop) the stream's connector
 * slot under the rules of `core/domain/connector.ts` — the same call the API made before starting this
 * execution, so here it is usually a no-op — and records the execution on the stream. A stream
 * whose rules forbid the action is a `StreamStateConflict`, which the workflow ends on, changing nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<HeldConnector> {
  let item;
  if (startsConnector(input.action)) {
    if (!input.chime_url) throw new Invalid(`${input.action} needs a chime_url`);
    item = await takeConnectorSlot(deps.store, input.stream_id, {
      action: input.action,
      chimeUrl: input.chime_url,
      executionName: input.execution_name,
      now: deps.now(),
    });
  } else {
    item = await requestConnectorStop(deps.store, input.stream_id, input.action);
  }
  await deps.store.trackExecution(item.id, input.execution_id);
  return {
    stream_id: item.id,
    target: item.connector!.target,
    state: item.connector!.state,
    connector_execution: item.connector_execution ?? null,
  };
}

export const handler = taskHandler(Input, run, { store: streamStore });
