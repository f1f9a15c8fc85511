import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type * as ECS from '@aws-sdk/client-ecs';
import { InvalidParameterException, type Failure, type Task, type TaskOverride } from '@aws-sdk/client-ecs';
import { connectorGroup } from '../core/domain/connector';
import { logger } from '../core/lambda/logger';
import { redactText } from '../core/domain/redact';
import type { StreamStore } from '../core/aws/store';
import { SOURCE_TAG } from '../tasks/describe-connector';
import { findChromium } from './connector-source';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import { mediaTools, type MediaTool } from './ffmpeg';
import { spawnManaged, type ManagedProcess, type ProcessExit } from './processes';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';

/** The `detail` of an EventBridge "ECS Task State Change" event, as `tasks/connector-exited.ts` reads it. */
export interface TaskStateChange {
  taskArn: string;
  clusterArn: string;
  lastStatus: string;
  desiredStatus: string;
  group?: string;
  startedBy?: string;
  stoppedReason?: string;
  stopCode?: string;
  /** As in ECS's event: what RunTask overrode. So it must hold no secret (tasks/run-connector.ts). */
  overrides?: TaskOverride;
  containers: { name: string; exitCode?: number; reason?: string }[];
}

export interface LocalEcsOptions {
  /** The connector's entrypoint; default `connector/entrypoint.sh` of this repository. */
  entrypoint?: string;
  ffmpeg?: MediaTool;
  /** Where readiness files go; default a fresh directory under the OS temp dir. */
  workDir?: string;
  /**
   * What the task definition and the task role give every container (the streams table, its
   * endpoint here, the role's credentials): in its environment, never in the task's overrides, so
   * DescribeTasks and the events show none of it — as on Fargate.
   */
  taskEnvironment?: Record<string, string>;
  /** EventBridge, locally: told of every task that stops (wire it to `tasks/connector-exited.ts`). */
  onTaskStopped?: (detail: TaskStateChange) => void | Promise<void>;
  /** x264 preset of the local connector; `ultrafast` keeps two connectors within two shared cores. */
  x264Preset?: string;
}

export interface LocalEcs extends LocalService {
  /** Stops every running task, as the end of the runtime ends them. */
  close(): Promise<void>;
}

interface LocalTask {
  task: Task;
  process?: ManagedProcess;
  clientToken?: string;
}

const DEFAULT_ENTRYPOINT = fileURLToPath(new URL('../connector/entrypoint.sh', import.meta.url));

/**
 * ECS, locally: RunTask / DescribeTasks / StopTask / ListTasks of the connector task. A task is the
 * connector's own entrypoint (`connector/entrypoint.sh`) as a child process, which reads its target
 * from the stream's record itself: capturing the meeting page when Chromium and Xvfb are installed
 * and the URL answers, else a labelled test pattern with a tone (`SOURCE=auto`; the task's
 * `connector-source` tag says which, from the connector's `starting:` line). Status follows the
 * process as on Fargate: RUNNING once spawned, health HEALTHY when the connector logs that frames flow, STOPPED with a
 * reason and exit code when it exits — and then `onTaskStopped` is told, so a connector that dies
 * is reported, never silently left `running`. Tasks live as long as the runtime.
 */
export function createLocalEcs(options: LocalEcsOptions = {}): LocalEcs {
  const tasks = new Map<string, LocalTask>();
  // Made by the first task that runs: most runtimes (and every test that never runs a connector)
  // need none, and one that is killed before close() would leave it behind in the temp folder.
  const workDir = options.workDir ?? join(tmpdir(), `fmls-ecs-${process.pid}-${randomBytes(3).toString('hex')}`);
  const ffmpeg = options.ffmpeg ?? mediaTools().ffmpeg;

  const invalid = (message: string) => serviceError(InvalidParameterException, 400, message);
  const clusterName = (cluster: string | undefined) => (cluster ?? 'default').replace(/^arn:aws:ecs:[^:]*:\d+:cluster\//, '');
  const find = (cluster: string | undefined, ref: string) => {
    const id = ref.slice(ref.lastIndexOf('/') + 1);
    const found = tasks.get(id);
    return found && found.task.clusterArn?.endsWith(`/${clusterName(cluster)}`) ? found : undefined;
  };

  async function launch(entry: LocalTask, env: Record<string, string>): Promise<void> {
    const { task } = entry;
    if (task.desiredStatus === 'STOPPED') return stopped(entry, { code: null, signal: null }, 'stopped before it ran');
    task.lastStatus = 'PENDING';
    const id = task.taskArn!.slice(task.taskArn!.lastIndexOf('/') + 1);
    let lastError: string | undefined;
    mkdirSync(workDir, { recursive: true });
    entry.process = spawnManaged('bash', [options.entrypoint ?? DEFAULT_ENTRYPOINT], {
      name: `connector-${id}`,
      env: {
        ...ffmpeg.env,
        ...options.taskEnvironment,
        ...env,
        SOURCE: 'auto',
        FFMPEG: ffmpeg.path,
        CHROMIUM: findChromium() ?? 'chromium',
        X264_PRESET: options.x264Preset ?? 'ultrafast',
        READY_FILE: join(workDir, `${id}.ready`),
      },
      stopTimeoutMs: 15_000,
      onStderrLine(line) {
        const safe = redactText(line);
        const source = /starting: (page|test_pattern) /.exec(safe)?.[1];
        if (source) task.tags = [...(task.tags ?? []), { key: SOURCE_TAG, value: source }];
        if (/ready: sending frames/.test(safe)) task.healthStatus = 'HEALTHY';
        if (/ffmpeg exited/.test(safe)) task.healthStatus = 'UNKNOWN';
        if (/error: /.test(safe)) lastError = safe.replace(/^.*?error: /, '');
        // Its errors for the operator; the rest of its chatter is detail (connector.* events say how it goes).
        if (/error: /.test(safe)) logger.warn(safe, { connectorTask: id });
        else logger.debug(safe, { connectorTask: id });
      },
      onExit: (exit) => void stopped(entry, exit, lastError),
    });
    task.lastStatus = 'RUNNING';
    task.startedAt = new Date();
  }

  async function stopped(entry: LocalTask, exit: ProcessExit, containerReason: string | undefined): Promise<void> {
    const { task } = entry;
    const requested = task.desiredStatus === 'STOPPED';
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      healthStatus: 'UNKNOWN',
      stoppedAt: new Date(),
      stopCode: requested ? 'UserInitiated' : 'EssentialContainerExited',
      stoppedReason: requested ? (task.stoppedReason ?? 'Task stopped by user') : 'Essential container in task exited',
    });
    const container = task.containers![0];
    Object.assign(container, { lastStatus: 'STOPPED', exitCode: exit.code ?? undefined, reason: containerReason });
    try {
      await options.onTaskStopped?.({
        taskArn: task.taskArn!,
        clusterArn: task.clusterArn!,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        group: task.group,
        startedBy: task.startedBy,
        stoppedReason: task.stoppedReason,
        stopCode: task.stopCode,
        overrides: task.overrides,
        containers: [{ name: container.name!, exitCode: container.exitCode, reason: container.reason }],
      });
    } catch (err) {
      logger.error('reporting a stopped connector task failed', { taskArn: task.taskArn, error: redactText(String(err)) });
    }
  }

  const service = serviceFromHandlers<typeof ECS>('ECS', {
    RunTaskCommand(input) {
      if (!input.taskDefinition) throw invalid('taskDefinition is required');
      const cluster = clusterName(input.cluster);
      const reused = [...tasks.values()].find((t) => input.clientToken && t.clientToken === input.clientToken);
      if (reused) return { tasks: [reused.task], failures: [] };
      const override = input.overrides?.containerOverrides?.[0] ?? {};
      const env = Object.fromEntries((override.environment ?? []).map((e) => [e.name ?? '', e.value ?? '']));
      const id = randomBytes(16).toString('hex');
      const task: Task = {
        taskArn: `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:task/${cluster}/${id}`,
        clusterArn: `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cluster/${cluster}`,
        taskDefinitionArn: input.taskDefinition,
        group: input.group ?? `family:${input.taskDefinition}`,
        startedBy: input.startedBy,
        launchType: 'FARGATE',
        cpu: '4096',
        memory: '8192',
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        createdAt: new Date(),
        tags: input.tags ?? [],
        // DescribeTasks shows the overrides (SDK: Task.overrides), and so does ECS's event.
        overrides: input.overrides,
        containers: [{ name: override.name ?? 'connector', lastStatus: 'PENDING' }],
      };
      const entry: LocalTask = { task, clientToken: input.clientToken };
      tasks.set(id, entry);
      void launch(entry, env).catch((err: unknown) => {
        logger.error('starting a connector task failed', { taskArn: task.taskArn, error: redactText(String(err)) });
        void stopped(entry, { code: null, signal: null }, redactText(String(err)));
      });
      return { tasks: [task], failures: [] };
    },
    DescribeTasksCommand(input) {
      const found: Task[] = [];
      const failures: Failure[] = [];
      for (const ref of input.tasks ?? []) {
        const entry = find(input.cluster, ref);
        if (entry) found.push(withTags(entry.task, input.include?.includes('TAGS')));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { tasks: found, failures };
    },
    ListTasksCommand(input) {
      const desired = input.desiredStatus ?? 'RUNNING';
      const taskArns = [...tasks.values()]
        .map((t) => t.task)
        .filter((t) => t.clusterArn!.endsWith(`/${clusterName(input.cluster)}`))
        .filter((t) => !input.startedBy || t.startedBy === input.startedBy)
        .filter((t) => t.desiredStatus === desired)
        .map((t) => t.taskArn!);
      return { taskArns };
    },
    StopTaskCommand(input) {
      const entry = find(input.cluster, input.task ?? '');
      if (!entry) throw invalid('The referenced task was not found.');
      const { task } = entry;
      if (task.desiredStatus !== 'STOPPED') {
        task.desiredStatus = 'STOPPED';
        task.stoppedReason = input.reason ?? 'Task stopped by user';
        if (task.lastStatus === 'RUNNING') task.lastStatus = 'DEACTIVATING';
        void entry.process?.stop();
      }
      return { task: withTags(task, false) };
    },
  });

  return {
    ...service,
    async close() {
      for (const { task } of tasks.values()) {
        if (task.desiredStatus === 'STOPPED') continue;
        task.desiredStatus = 'STOPPED';
        task.stoppedReason = 'the local runtime stopped';
      }
      await Promise.all([...tasks.values()].flatMap((t) => (t.process ? [t.process.stop()] : [])));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** ECS returns tags only when asked (`include: ['TAGS']`). */
function withTags(task: Task, include: boolean | undefined): Task {
  if (include) return task;
  const { tags: _tags, ...rest } = task;
  return rest;
}

/**
 * At the runtime's start: local tasks end with the runtime that ran them, so a connector still on
 * a record (the runtime was killed, not stopped) is reported stopped to `report` (wire it to
 * `tasks/connector-exited.ts`), which clears it and says why in `last_error`.
 */
export async function reportLostConnectors(
  store: Pick<StreamStore, 'list'>,
  report: (detail: TaskStateChange) => unknown,
  cluster = 'connectors',
): Promise<number> {
  let reported = 0;
  for (const item of await store.list()) {
    if (!item.connector?.task_id) continue;
    await report({
      taskArn: `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:task/${cluster}/${item.connector.task_id}`,
      clusterArn: `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cluster/${cluster}`,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      group: connectorGroup(item.id),
      stoppedReason: 'the local runtime stopped while the connector ran',
      containers: [],
    });
    reported++;
  }
  return reported;
}
