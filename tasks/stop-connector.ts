import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { requireSetting } from '../core/config';
import { taskIdOf } from '../core/connector';
import { aws } from '../core/errors';
import { requestToken } from '../core/ids';
import type { Services } from '../core/services';
import { taskHandler } from '../core/task-handler';

export const Input = z.object({
  stream_id: z.string(),
  reason: z.string().max(255).default('connector stopped by the control plane'),
  /** Stop only a connector of this target: `stop` ends a `medialive` connector, and leaves one pushing to IVS. */
  target: z.enum(['medialive', 'ivs']).optional(),
});

type Deps = Pick<Services, 'store' | 'ecs' | 'config'>;

/**
 * Stops the stream's connector task, for `chime_stop`/`ivs_stop`, for a start that failed or timed
 * out, and for `delete`. The task is the one on the record and any other the claiming execution
 * started (found by its `startedBy`, which covers a start that had not yet recorded its task id).
 * A task already STOPPED, or unknown to ECS, needs nothing; ECS's StopTask itself is idempotent.
 * Returns the task to wait for (`null`: none).
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ task_id: string | null }> {
  const found = await deps.store.get(input.stream_id);
  if (!found?.connector || (input.target && found.connector.target !== input.target)) return { task_id: null };
  const cluster = requireSetting(deps.config, 'CONNECTOR_CLUSTER');
  // A running connector is marked stopping first, so the watcher (`connector-exited`) takes its end
  // for the requested stop it is (e.g. by `delete`) and records no error. A starting one stays
  // starting: its own start workflow is the one stopping it, and records why.
  const item =
    found.connector.state === 'running'
      ? await deps.store.mutate(found.id, (i) =>
          i.connector?.state === 'running' ? { connector: { ...i.connector, state: 'stopping' } } : undefined,
        )
      : found;
  if (!item.connector) return { task_id: null };
  const ids = new Set<string>();
  if (item.connector.task_id) ids.add(item.connector.task_id);
  if (item.connector_execution) {
    const startedBy = requestToken(item.connector_execution, 'connector');
    const listed = await aws('listing connector tasks', () => deps.ecs.send(new ListTasksCommand({ cluster, startedBy })));
    for (const arn of listed.taskArns ?? []) ids.add(taskIdOf(arn));
  }
  if (ids.size === 0) return { task_id: null };

  const described = await aws('describing connector tasks', () =>
    deps.ecs.send(new DescribeTasksCommand({ cluster, tasks: [...ids] })),
  );
  for (const task of described.tasks ?? []) {
    if (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED' || !task.taskArn) continue;
    await aws('stopping connector task', () =>
      deps.ecs.send(new StopTaskCommand({ cluster, task: task.taskArn, reason: input.reason })),
    );
  }
  return { task_id: [...ids][0]! };
}

export const handler = taskHandler(Input, run);
