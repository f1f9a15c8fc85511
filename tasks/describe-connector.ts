import { DescribeTasksCommand, type Task } from '@aws-sdk/client-ecs';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { aws } from '../core/aws/calls';
import { DomainError } from '../core/domain/errors';
import { nextPoll, PollSchema, type PollState } from '../core/domain/poll';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { ecsClient } from '../core/aws/clients/ecs';

export const Input = z.object({
  task_id: z.string().check(z.minLength(1)),
  poll: PollSchema,
  /** While starting, a task that stopped is a failure whose reason the stream's `last_error` should name. */
  fail_if_stopped: z._default(z.boolean(), false),
});

type Deps = Pick<Services, 'ecs' | 'config' | 'now'>;

/** The tag the local ECS-like service puts on a task to say what it streams; cloud tasks stream the page. */
export const SOURCE_TAG = 'connector-source';

export type ConnectorPoll = PollState & { source: 'page' | 'test_pattern' };

/**
 * `READY` once the task runs and its container's health check passes (the connector writes its
 * readiness file only when ffmpeg is sending frames); `RUNNING` while it runs without frames yet;
 * otherwise ECS's `lastStatus`. A task ECS does not know is `MISSING`: right after RunTask that is
 * ECS's eventual consistency (keep polling), long after it a task stopped over an hour ago.
 */
export function connectorStatus(task: Task | undefined): string {
  if (!task) return 'MISSING';
  const status = task.lastStatus ?? 'UNKNOWN';
  if (status !== 'RUNNING') return status;
  if (task.healthStatus === 'HEALTHY') return 'READY';
  return task.healthStatus === 'UNHEALTHY' ? 'UNHEALTHY' : 'RUNNING';
}

function stopReason(task: Task): string {
  const exits = (task.containers ?? [])
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map((c) => `${c.name}${c.exitCode !== undefined ? ` exit code ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`);
  return [task.stoppedReason ?? task.stopCode ?? 'no reason given', ...exits].join('; ');
}

/** The Describe step of a connector poll loop (start: until `READY`; stop: until `STOPPED`). */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<ConnectorPoll> {
  const cluster = requireSetting(deps.config, 'CONNECTOR_CLUSTER');
  const out = await aws('describing connector task', () =>
    deps.ecs.send(new DescribeTasksCommand({ cluster, tasks: [input.task_id], include: ['TAGS'] })),
  );
  const task = out.tasks?.[0];
  const status = connectorStatus(task);
  if (input.fail_if_stopped && task && status === 'STOPPED') {
    throw new DomainError('ConnectorStopped', `connector task ${input.task_id} stopped before it was ready: ${stopReason(task)}`);
  }
  const tagged = task?.tags?.find((t) => t.key === SOURCE_TAG)?.value;
  return { ...nextPoll(input.poll, status, deps.now()), source: tagged === 'test_pattern' ? 'test_pattern' : 'page' };
}

export const handler = taskHandler(Input, run, { ecs: ecsClient });
