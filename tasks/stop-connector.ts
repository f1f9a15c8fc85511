import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { holdsConnector, taskIdOf } from '../core/domain/connector';
import { ConnectorSchema } from '../core/domain/record';
import { aws } from '../core/aws/calls';
import { requestToken } from '../core/domain/ids';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { ecsClient } from '../core/aws/clients/ecs';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  reason: z._default(z.string().check(z.maxLength(255)), 'connector stopped by the control plane'),
  /** Stop only a connector of this target: `stop` ends a `medialive` connector, and leaves one pushing to IVS. */
  target: z.optional(ConnectorSchema.shape.target),
  /**
   * The connector to stop, by the start execution that claimed it (what a stop's claim returned, or
   * a failed start's own name); absent: the one on the record now (`stop`, `delete`).
   */
  connector_execution: z.optional(z.nullable(z.string())),
});

type Deps = Pick<Services, 'store' | 'ecs' | 'config'>;

/**
 * Stops a stream's connector task, for `chime_stop`/`ivs_stop`, for a start that failed or timed
 * out, and for `delete`. The task is the one on the record while the record still holds that
 * connector, and any other its claiming execution started (found by its `startedBy`, which covers a
 * start that had not yet recorded its task id). A connector that replaced it meanwhile is left
 * alone. A task already STOPPED, or unknown to ECS, needs nothing; StopTask itself is idempotent.
 * Returns the task to wait for (`null`: none).
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ task_id: string | null }> {
  const found = await deps.store.get(input.stream_id);
  if (found?.connector && input.target && found.connector.target !== input.target) return { task_id: null };
  const claimed = input.connector_execution !== undefined ? input.connector_execution : found?.connector ? (found.connector_execution ?? null) : undefined;
  if (claimed === undefined) return { task_id: null };
  const cluster = requireSetting(deps.config, 'CONNECTOR_CLUSTER');
  // A running connector is marked stopping first, so the watcher (`connector-exited`) takes its end
  // for the requested stop it is (e.g. by `delete`) and records no error. A starting one stays
  // starting: its own start workflow is the one stopping it, and records why.
  const item =
    found && holdsConnector(found, claimed) && found.connector!.state === 'running'
      ? await deps.store.mutate(found.id, (i) =>
          holdsConnector(i, claimed) && i.connector!.state === 'running' ? { connector: { ...i.connector!, state: 'stopping' } } : undefined,
        )
      : found;
  const ids = new Set<string>();
  if (item && holdsConnector(item, claimed) && item.connector!.task_id) ids.add(item.connector!.task_id);
  if (claimed) {
    const startedBy = requestToken(claimed, 'connector');
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
  return { task_id: [...ids][0] };
}

export const handler = taskHandler(Input, run, { ecs: ecsClient, store: streamStore });
