import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { createApi } from '../api/handler';
import { parseLiveRouteValue, liveRouteKey } from '../core/aws/live-route';
import { logger } from '../core/lambda/logger';
import { markSchedule } from '../core/aws/schedules';
import { scheduleOfInput } from '../core/domain/schedule';
import type { Services } from '../core/aws/services';
import { IDEMPOTENCY_TABLE, STREAM_TABLE } from '../core/aws/tables';
import { WORKFLOWS, allTasks } from '../workflows/registry';
import { bindLocalService } from './aws-binding';
import { LOCAL_CREDENTIALS } from './credentials';
import { ensureTable, startDynalite } from './dynamodb';
import { createLocalEcs, reportLostConnectors } from './ecs';
import { LOCAL_KVS_ARN, LOCAL_NAMES, LOCAL_REGION, loadLocalEnv, localBuckets, localConfig, type LocalEnv } from './env';
import { startHttpServer } from './http-server';
import { LocalIvs } from './ivs';
import { LocalKeyValueStore } from './keyvaluestore';
import type { ChannelAlertDetail } from './media/alerts';
import { startMediaPlane, type MediaPlaneOptions, type RunningMediaPlane } from './media/media-plane';
import { LocalMediaConvert } from './mediaconvert';
import { LocalMediaLive } from './medialive';
import { LocalMediaPackage } from './mediapackage';
import { stopAllManaged } from './processes';
import { reconcileStreams } from './reconcile';
import { localS3Client, startS3 } from './s3';
import { LocalScheduler, type LocalSchedule } from './scheduler';
import { localServices } from './services';
import { JsonStateFile } from './state-files';
import { LocalStepFunctions, stateMachineArn } from './stepfunctions/service';
import { localIntegrations } from './stepfunctions/integrations';
import { loadTaskRunner } from './stepfunctions/tasks';

export interface RuntimeOptions extends Partial<LocalEnv> {
  /** Where settings not given here are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The media plane; default the real one (`local/media/`). Tests of the control plane pass a fake. */
  startMediaPlane?: (options: MediaPlaneOptions) => Promise<RunningMediaPlane>;
  /** How long a publish outlives its publisher's disconnect (tests shorten node-media-server's 30 s). */
  publishGraceMs?: number;
  /** Tests: every Wait state and retry interval of every execution lasts this many ms. */
  stepFunctionsWaitMs?: number;
}

export interface RuntimeEndpoints {
  api: string;
  healthz: string;
  rtmp: string;
  media: string;
  s3: string;
  dataDir: string;
}

export interface Runtime {
  readonly endpoints: RuntimeEndpoints;
  /** What the API and the tasks are given (tests read the store and send commands through it). */
  readonly services: Services;
  /** Stops everything, children included; safe to call more than once. */
  close(): Promise<void>;
}

/** Besides the workflows' tasks, the runtime runs this one itself: ECS's "task stopped" events (EventBridge in the cloud). */
const CONNECTOR_EXITED_TASK = 'connector-exited';
/** And this one: MediaLive's channel alerts (EventBridge in the cloud), raised by the media plane. */
const CHANNEL_ALERT_TASK = 'channel-alert';

const LocalScheduleSchema = z.object({
  name: z.string(),
  group: z.string(),
  due: z.number(),
  targetArn: z.string(),
  input: z.string(),
  maxRetries: z.number(),
});

/**
 * The whole system on 127.0.0.1, in this process: the same API handler, workflows and tasks as in
 * the cloud, over local services. Everything persists under `LOCAL_DATA_DIR`; on start, what the
 * last run left claiming to run is reconciled first, and the API answers `/healthz` only once
 * everything is up. If any part fails to start, the parts already started are stopped again.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const settings = { ...loadLocalEnv(env), ...definedOnly(options) };
  const dataDir = resolve(settings.LOCAL_DATA_DIR);
  const stateDir = join(dataDir, 'state');
  await mkdir(stateDir, { recursive: true });

  const closers: (() => Promise<unknown> | unknown)[] = [stopAllManaged];
  const close = once(async () => {
    for (const closer of closers.reverse()) {
      await Promise.resolve()
        .then(closer)
        .catch((err: unknown) => logger.error('local runtime: a part failed to stop', { error: String(err) }));
    }
  });

  try {
    const s3 = await startS3({ port: settings.S3_PORT, directory: join(dataDir, 's3'), buckets: localBuckets(env) });
    closers.push(() => s3.close());
    const s3Client = localS3Client(s3.endpoint);
    const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
    closers.push(() => dynamo.close());
    await ensureTable(dynamo.client, LOCAL_NAMES.table, STREAM_TABLE.partitionKey);
    await ensureTable(dynamo.client, LOCAL_NAMES.idempotencyTable, IDEMPOTENCY_TABLE.partitionKey);

    // Alerts can only be recorded once the tasks are loaded (below); until then they are logged.
    let channelAlert = async (detail: ChannelAlertDetail): Promise<unknown> => {
      logger.error('local runtime: a channel alert came before the runtime was up', { alertType: detail.alert_type, message: detail.message });
      return undefined;
    };
    // The live distribution's routes, read by the media server as CloudFront's function reads them.
    const kvs = new LocalKeyValueStore({ kvsArn: LOCAL_KVS_ARN, stateFile: join(stateDir, 'keyvaluestore.json') });
    const media = await (options.startMediaPlane ?? startMediaPlane)({
      rtmpPort: settings.RTMP_PORT,
      mediaPort: settings.MEDIA_PORT,
      dataDir,
      s3: s3Client,
      liveLookup: (streamId) => liveTarget(kvs.lookup(liveRouteKey(streamId))),
      publishGraceMs: options.publishGraceMs,
      onAlert: (detail) => void channelAlert(detail),
    });
    closers.push(() => media.close());

    const mediapackage = new LocalMediaPackage({ mediaPort: media.mediaPort, stateFile: join(stateDir, 'mediapackage.json'), mediaPlane: media.plane });
    const medialive = new LocalMediaLive({
      rtmpPort: media.rtmpPort,
      mediaPlane: media.plane,
      packages: mediapackage,
      // Every local push reaches the ingest from 127.0.0.1: that is the local group's whitelist.
      inputSecurityGroups: { [LOCAL_NAMES.inputSecurityGroupId]: ['127.0.0.1/32'] },
      startSeconds: settings.LOCAL_CHANNEL_START_SECONDS,
      stateFile: join(stateDir, 'medialive.json'),
    });
    closers.push(() => medialive.close());
    const ivs = new LocalIvs({ rtmpPort: media.rtmpPort, mediaPort: media.mediaPort, mediaPlane: media.plane, stateFile: join(stateDir, 'ivs.json') });
    await ivs.start();

    const mediaconvert = new LocalMediaConvert({
      s3: s3Client,
      workDir: join(dataDir, 'mediaconvert'),
      stateFile: join(stateDir, 'mediaconvert.json'),
    });
    closers.push(() => mediaconvert.close());

    let services: Services | undefined;
    const servicesNow = () => {
      if (!services) throw new Error('the local runtime is still starting');
      return services;
    };
    const runTask = await loadTaskRunner([...allTasks(), CONNECTOR_EXITED_TASK, CHANNEL_ALERT_TASK], servicesNow);
    channelAlert = (detail) =>
      runTask(CHANNEL_ALERT_TASK, detail).catch((err: unknown) =>
        logger.error('local runtime: recording a channel alert failed', { alarmState: detail.alarm_state, error: String(err) }),
      );
    const connectorStopped = async (detail: object): Promise<void> => {
      await runTask(CONNECTOR_EXITED_TASK, detail).catch((err: unknown) =>
        logger.error('local runtime: recording a stopped connector failed', { error: String(err) }),
      );
    };
    const ecs = createLocalEcs({
      onTaskStopped: connectorStopped,
      // The connector reads its target from the record (connector/fetch-target.sh), as on Fargate.
      taskEnvironment: {
        STREAMS_TABLE: LOCAL_NAMES.table,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
    });
    closers.push(() => ecs.close());
    const stepFunctions = new LocalStepFunctions({
      workflows: WORKFLOWS,
      runTask,
      runIntegration: localIntegrations({ mediaconvert: () => servicesNow().mediaconvert, jobs: mediaconvert }),
      dir: join(dataDir, 'stepfunctions'),
      waitOverrideMs: options.stepFunctionsWaitMs,
    });
    closers.push(() => stepFunctions.close());
    const sfn = bindLocalService(new SFNClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), stepFunctions.service);
    const scheduler = new LocalScheduler({
      storage: jsonStorage(new JsonStateFile(join(stateDir, 'scheduler.json'), z.array(LocalScheduleSchema))),
      startExecution: async (arn, input) => {
        await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input }));
      },
      onMissed: (schedule, lateSeconds) =>
        markFromSchedule(servicesNow(), schedule, { state: 'skipped', error: `missed: the local runtime was down when it came due (${lateSeconds} s late)` }),
      onUndeliverable: (schedule, err) =>
        markFromSchedule(servicesNow(), schedule, { state: 'failed', error: `could not start its workflow: ${String(err)}` }),
    });
    closers.push(() => scheduler.stop());

    const config = localConfig(env, {
      mediaPort: media.mediaPort,
      stateMachineArns: Object.fromEntries(WORKFLOWS.map((w) => [w.action, stateMachineArn(w.action)])),
    });
    services = localServices(config, {
      dynamo: dynamo.client,
      s3Endpoint: s3.endpoint,
      local: {
        medialive: medialive.service,
        mediapackage: mediapackage.service,
        kvs: kvs.service,
        ivs: ivs.service,
        ecs,
        mediaconvert: mediaconvert.service,
        sfn: stepFunctions.service,
        scheduler: scheduler.service,
      },
    });

    for (const change of await reconcileStreams(services.store)) {
      logger.warn('local runtime: stream reconciled after a restart', { ...change });
    }
    await reportLostConnectors(services.store, connectorStopped, LOCAL_NAMES.connectorCluster);
    await scheduler.start();

    const http = await startHttpServer({ port: settings.PORT, api: createApi(services) });
    closers.push(() => http.close());
    closers.push(() => http.setReady(false));
    http.setReady(true);

    const api = `http://127.0.0.1:${http.port}`;
    return {
      endpoints: {
        api,
        healthz: `${api}/healthz`,
        rtmp: `rtmp://127.0.0.1:${media.rtmpPort}`,
        media: `http://127.0.0.1:${media.mediaPort}`,
        s3: s3.endpoint,
        dataDir,
      },
      services,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The media server's view of a live route: the origin endpoint it points at, if it is a local one. */
function liveTarget(value: string | undefined): { endpointId: string } | undefined {
  if (value === undefined) return undefined;
  try {
    const endpointId = /\/out\/v1\/([^/]+)\/$/.exec(parseLiveRouteValue(value).origin)?.[1];
    return endpointId ? { endpointId } : undefined;
  } catch {
    return undefined;
  }
}

async function markFromSchedule(services: Services, schedule: LocalSchedule, outcome: { state: 'skipped' | 'failed'; error: string }) {
  let target: ReturnType<typeof scheduleOfInput>;
  try {
    target = scheduleOfInput(JSON.parse(schedule.input));
  } catch {
    target = undefined;
  }
  if (target) await markSchedule(services.store, target.stream_id, target.schedule_id, outcome);
}

function jsonStorage<T>(file: JsonStateFile<T[]>) {
  return { load: async () => file.load([]), save: async (items: T[]) => file.save(items) };
}

function definedOnly(options: RuntimeOptions): Partial<LocalEnv> {
  const keys = ['PORT', 'RTMP_PORT', 'MEDIA_PORT', 'S3_PORT', 'LOCAL_DATA_DIR', 'LOCAL_CHANNEL_START_SECONDS'] as const;
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
