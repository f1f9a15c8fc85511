import { ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { connectorGroup, taskIdOf } from '../core/domain/connector';
import { aws } from '../core/aws/calls';
import { Invalid, StreamStateConflict, Transient } from '../core/domain/errors';
import { requestToken } from '../core/domain/ids';
import type { StreamItem } from '../core/domain/record';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { ecsClient } from '../core/aws/clients/ecs';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string(), execution_name: z.string() });

type Deps = Pick<Services, 'store' | 'ecs' | 'config'>;

/** Why this execution may not (or may no longer) run the stream's connector, or undefined. */
function standDownReason(item: StreamItem, executionName: string): string | undefined {
  if (!item.connector || item.connector_execution !== executionName) return 'the connector no longer belongs to this execution';
  if (item.connector.state !== 'starting') return `the connector is ${item.connector.state} (a stop was requested)`;
  return undefined;
}

/**
 * Runs the connector's Fargate task toward the stream's ingest (`rtmp1`, or the IVS ingest) and
 * records its id. The RTMP URL holds a stream key, and RunTask's overrides show in DescribeTasks,
 * in ECS's task state change events and in CloudTrail: so they carry only ids (the stream, the
 * claiming execution), and the container reads its target from the record itself at start
 * (`connector/fetch-target.sh`), refusing it if the connector is no longer this execution's. Idempotent per execution: the
 * task is started with `startedBy`/`clientToken` from the execution name and looked up by it first.
 * The task id is recorded with a conditional write; if a stop claimed the connector meanwhile, the
 * task just started is stopped again, so a connector can never run unrecorded.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ task_id: string }> {
  const cluster = requireSetting(deps.config, 'CONNECTOR_CLUSTER');
  const item = await deps.store.mustGet(input.stream_id);
  const refused = standDownReason(item, input.execution_name);
  if (refused) throw new StreamStateConflict(`not running the connector: ${refused}`);
  if (item.connector!.task_id) return { task_id: item.connector!.task_id };

  if (!(item.connector!.target === 'ivs' ? item.rtmp_ivs : item.rtmp1)) {
    throw new Invalid(`stream ${item.id} has no ${item.connector!.target === 'ivs' ? 'IVS ingest' : 'rtmp1'} to push to`);
  }
  const token = requestToken(input.execution_name, 'connector');
  const taskArn = (await findTask(deps, cluster, token)) ?? (await runTask(deps, cluster, token, item.id, input.execution_name));
  const taskId = taskIdOf(taskArn);

  let late: string | undefined;
  await deps.store.mutate(item.id, (current) => {
    late = standDownReason(current, input.execution_name);
    return late ? undefined : { connector: { ...current.connector!, task_id: taskId } };
  });
  if (late) {
    await aws('stopping connector task', () =>
      deps.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'connector stop requested while it started' })),
    );
    throw new StreamStateConflict(`stopped the connector just started: ${late}`);
  }
  return { task_id: taskId };
}

async function findTask(deps: Deps, cluster: string, token: string): Promise<string | undefined> {
  const out = await aws('listing connector tasks', () => deps.ecs.send(new ListTasksCommand({ cluster, startedBy: token })));
  return out.taskArns?.[0];
}

async function runTask(deps: Deps, cluster: string, token: string, streamId: string, executionName: string): Promise<string> {
  const { config } = deps;
  if (config.CONNECTOR_SUBNETS.length === 0) throw new Invalid('missing configuration: CONNECTOR_SUBNETS is not set');
  const out = await aws('running connector task', () =>
    deps.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: requireSetting(config, 'CONNECTOR_TASK_DEFINITION'),
        launchType: 'FARGATE',
        count: 1,
        startedBy: token,
        clientToken: token,
        group: connectorGroup(streamId),
        tags: [{ key: 'stream_id', value: streamId }],
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: config.CONNECTOR_SUBNETS,
            securityGroups: config.CONNECTOR_SECURITY_GROUPS,
            assignPublicIp: config.CONNECTOR_ASSIGN_PUBLIC_IP,
          },
        },
        overrides: {
          containerOverrides: [
            {
              name: config.CONNECTOR_CONTAINER_NAME,
              // Ids only: no URL, no key (see above).
              environment: [
                { name: 'STREAM_ID', value: streamId },
                { name: 'CONNECTOR_EXECUTION', value: executionName },
                { name: 'RESOLUTION', value: config.CONNECTOR_RESOLUTION },
              ],
            },
          ],
        },
      }),
    ),
  );
  const arn = out.tasks?.[0]?.taskArn;
  if (arn) return arn;
  const reason = out.failures?.map((f) => f.reason).join('; ') || 'no task and no reason';
  // Fargate capacity comes back; a bad task definition or subnet does not.
  if (/capacity|RESOURCE:|AGENT/i.test(reason)) throw new Transient(`ECS could not place the connector task: ${reason}`);
  throw new Invalid(`ECS refused the connector task: ${reason}`);
}

export const handler = taskHandler(Input, run, { ecs: ecsClient, store: streamStore });
