import * as z from '../core/domain/zod';
import { epochString } from '../core/domain/clock';
import { streamIdOfGroup, taskIdOf } from '../core/domain/connector';
import { redactText } from '../core/domain/redact';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

/** The `detail` of an EventBridge "ECS Task State Change" event (the fields we read). */
export const Input = z.object({
  taskArn: z.string(),
  lastStatus: z.string(),
  group: z.optional(z.string()),
  stoppedReason: z.optional(z.string()),
  stopCode: z.optional(z.string()),
  containers: z._default(
    z.array(z.object({ name: z.optional(z.string()), exitCode: z.optional(z.number()), reason: z.optional(z.string()) })),
    [],
  ),
});

type Deps = Pick<Services, 'store' | 'now'>;

/**
 * The watcher of running connectors: ECS reports every task that stops (EventBridge in the cloud,
 * the ECS-like service locally). A stream's connector that stops while the record says `running`
 * died on its own (the meeting ended, the ingest went away, a crash): the connector is cleared and
 * `last_error` says why, so the record is never left `running` over nothing. One `stopping` whose
 * task has now stopped is cleared without an error: a stop or delete of the stream asked for it and
 * does not wait for it (chime_stop/ivs_stop wait too, and clearing twice is harmless). A connector
 * still `starting` is the start workflow's to judge.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ cleared: boolean }> {
  const streamId = streamIdOfGroup(input.group);
  if (!streamId || input.lastStatus !== 'STOPPED') return { cleared: false };
  if (!(await deps.store.get(streamId))) return { cleared: false };
  const taskId = taskIdOf(input.taskArn);
  const exits = input.containers
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map((c) => [c.exitCode !== undefined ? `exit code ${c.exitCode}` : '', c.reason ?? ''].filter(Boolean).join(': '));
  const reason = redactText([input.stoppedReason ?? input.stopCode ?? 'no reason given', ...exits].join('; '));
  let cleared = false;
  await deps.store.mutate(streamId, (item) => {
    cleared = false;
    const connector = item.connector;
    if (!connector || connector.task_id !== taskId || connector.state === 'starting') return undefined;
    cleared = true;
    if (connector.state === 'stopping') return { connector: null, connector_execution: null };
    return {
      connector: null,
      connector_execution: null,
      last_error: {
        action: connector.target === 'ivs' ? 'ivs_start' : 'chime_start',
        message: `connector stopped unexpectedly: ${reason}`.slice(0, 1024),
        at: epochString(deps.now()),
        execution_id: null,
      },
    };
  });
  return { cleared };
}

export const handler = taskHandler(Input, run, { store: streamStore });
