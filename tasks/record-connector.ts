import * as z from '../core/domain/zod';
import { holdsConnector } from '../core/domain/connector';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.discriminatedUnion('outcome', [
  /** The start's task is sending frames. */
  z.object({
    outcome: z.literal('running'),
    stream_id: z.string(),
    execution_name: z.string(),
    source: z.optional(z.enum(['page', 'test_pattern'])),
  }),
  /** The stop's task has stopped: the slot of the connector this stop claimed is free again. */
  z.object({ outcome: z.literal('stopped'), stream_id: z.string(), connector_execution: z.nullable(z.string()) }),
]);

type Deps = Pick<Services, 'store'>;

/**
 * Records a connector's successful outcome. `running` lands only while the connector is still this
 * execution's and `starting`: a stop requested meanwhile wins, and its workflow finishes the job.
 * `stopped` clears the connector the stop claimed, and only that one: once its task stopped, the
 * watcher may have cleared it already and the next start taken the slot. A stream deleted
 * meanwhile needs nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ recorded: boolean }> {
  if (!(await deps.store.get(input.stream_id))) return { recorded: false };
  let recorded = false;
  await deps.store.mutate(input.stream_id, (item) => {
    recorded = false;
    if (input.outcome === 'stopped') {
      if (!holdsConnector(item, input.connector_execution)) return undefined;
      recorded = true;
      return { connector: null, connector_execution: null };
    }
    if (item.connector?.state !== 'starting' || item.connector_execution !== input.execution_name) return undefined;
    recorded = true;
    return { connector: { ...item.connector, state: 'running', ...(input.source ? { source: input.source } : {}) } };
  });
  return { recorded };
}

export const handler = taskHandler(Input, run, { store: streamStore });
