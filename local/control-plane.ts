import { join } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { createApi } from '../api/handler';
import { parseLiveRouteValue, liveRouteKey } from '../core/aws/live-route';
import { markSchedule } from '../core/aws/schedules';
import type { Services } from '../core/aws/services';
import { IDEMPOTENCY_TABLE, SPLIT_PROGRESS_TABLE, STREAM_TABLE, WEBHOOK_DELIVERY_TABLE, WEBHOOK_TABLE } from '../core/aws/tables';
import { EVENT_SOURCE } from '../core/domain/events';
import { scheduleOfInput } from '../core/domain/schedule';
import { logger } from '../core/lambda/logger';
import { bindLocalService } from './aws-binding';
import { LOCAL_CREDENTIALS } from './credentials';
import { ensureTable, startDynalite, type LocalDynamo } from './dynamodb';
import { LocalDynamoDbStreams } from './dynamodb-streams';
import { createLocalEcs, reportLostConnectors } from './ecs';
import { LOCAL_KVS_ARN, LOCAL_NAMES, LOCAL_REGION, localConfig, type LocalEnv } from './env';
import { startHttpServer } from './http-server';
import { LocalEventBridge } from './eventbridge';
import { LocalIvs } from './ivs';
import { LocalKeyValueStore } from './keyvaluestore';
import type { ChannelAlertDetail } from './media/alerts';
import { startMediaPlane, type MediaPlaneOptions, type RunningMediaPlane } from './media/media-plane';
import { LocalMediaConvert } from './mediaconvert';
import { LocalMediaLive } from './medialive';
import type { ChannelStateChangeEvent } from './medialive-events';
import { LocalCloudWatch } from './cloudwatch';
import { loadConsoleFiles } from './console-files';
import { LocalMediaPackage } from './mediapackage';
import { reconcileStreams } from './reconcile';
import { localS3Client } from './s3';
import { allowConsoleReads } from './s3-cors';
import type { LocalS3 } from './s3rver';
import { LocalScheduleSchema, LocalScheduler, type LocalSchedule } from './scheduler';
import { localServices } from './services';
import { JsonStateFile } from './state-files';
import { localIntegrations } from './stepfunctions/integrations';
import { LocalStepFunctions } from './stepfunctions/service';
import { loadTaskRunner } from './stepfunctions/tasks';
import { loadWorkflows } from './stepfunctions/workflow-cache';

export interface ControlPlaneOptions {
  /** The media plane; default the real one (`local/media/`). Tests of the control plane pass a fake. */
  startMediaPlane?: (options: MediaPlaneOptions) => Promise<RunningMediaPlane>;
  /** How long a publish outlives its publisher's disconnect (tests shorten node-media-server's 30 s). */
  publishGraceMs?: number;
  /** Tests: every Wait state and retry interval of every execution lasts this many ms. */
  stepFunctionsWaitMs?: number;
}

export interface ControlPlaneContext extends ControlPlaneOptions {
  env: NodeJS.ProcessEnv;
  settings: LocalEnv;
  dataDir: string;
  stateDir: string;
  /** The local S3, still starting in its own process. */
  s3: Promise<LocalS3>;
  /** Registers what stops a part once it has started (the runtime stops them in reverse). */
  onClose: (closer: () => unknown) => void;
}

/** Where the control plane's parts listen, and what the API and the tasks are given. */
export interface ControlPlane {
  readonly services: Services;
  /** The default event bus (tests subscribe to it as a rule would). */
  readonly bus: LocalEventBridge;
  readonly apiPort: number;
  readonly rtmpPort: number;
  readonly mediaPort: number;
  readonly s3Endpoint: string;
}

/** Besides the workflows' tasks, the runtime runs this one itself: ECS's "task stopped" events (EventBridge in the cloud). */
const CONNECTOR_EXITED_TASK = 'connector-exited';
/** And this one: MediaLive's channel alerts (EventBridge in the cloud), raised by the media plane. */
const CHANNEL_ALERT_TASK = 'channel-alert';
/** And this one: the tables' change streams, as stream events onto the bus (DynamoDB Streams → Lambda in the cloud). */
const PUBLISH_EVENTS_TASK = 'publish-events';
/** And this one: every stream event on the bus, to the webhooks' deliveries (an EventBridge rule in the cloud, infra/webhooks.ts). */
const FAN_OUT_WEBHOOKS_TASK = 'fan-out-webhooks';
/** And these: MediaLive's channel state changes (EventBridge in the cloud), and the reconciler's sweep (a schedule there). */
const CHANNEL_STATE_CHANGE_TASK = 'channel-state-change';
const RECONCILE_TASK = 'reconcile';

/**
 * Everything of the local runtime that runs in its own process: dynalite, the media plane, the
 * in-process AWS stand-ins, the workflows' engine, the scheduler and the API, wired as the stack
 * wires them in the cloud. Independent parts start together (the store, the rendered workflows
 * and the S3 process); the API answers `/healthz` only once everything is up and what the last run
 * left claiming to run has been reconciled.
 */
export async function startControlPlane(context: ControlPlaneContext): Promise<ControlPlane> {
  const { env, settings, dataDir, stateDir, onClose, startMediaPlane: startMedia, publishGraceMs, stepFunctionsWaitMs } = context;
  const [s3, dynamo, rendered, consoleFiles] = await allStarted([context.s3, startStore(dataDir, onClose), loadWorkflows(), loadConsoleFiles()] as const);
  const s3Client = localS3Client(s3.endpoint);

  // Alerts can only be recorded once the tasks are loaded (below); until then they are logged.
  let channelAlert = (detail: ChannelAlertDetail): Promise<unknown> => {
    logger.error('local runtime: a channel alert came before the runtime was up', { alertType: detail.alert_type, message: detail.message });
    return Promise.resolve();
  };
  // Likewise the channels' state changes: the local MediaLive makes no change before the tasks are loaded.
  let channelStateChange = (event: ChannelStateChangeEvent): Promise<unknown> => {
    logger.error('local runtime: a channel state change came before the runtime was up', { state: event.detail.state });
    return Promise.resolve();
  };
  // The live distribution's routes, read by the media server as CloudFront's function reads them.
  const kvs = new LocalKeyValueStore({ kvsArn: LOCAL_KVS_ARN, stateFile: join(stateDir, 'keyvaluestore.json') });
  const media = await (startMedia ?? startMediaPlane)({
    rtmpPort: settings.RTMP_PORT,
    mediaPort: settings.MEDIA_PORT,
    dataDir,
    s3: s3Client,
    liveLookup: (streamId) => liveTarget(kvs.lookup(liveRouteKey(streamId))),
    publishGraceMs,
    onAlert: (detail) => void channelAlert(detail),
  });
  onClose(() => media.close());

  const mediapackage = new LocalMediaPackage({ mediaPort: media.mediaPort, stateFile: join(stateDir, 'mediapackage.json'), mediaPlane: media.plane });
  const medialive = new LocalMediaLive({
    rtmpPort: media.rtmpPort,
    mediaPlane: media.plane,
    packages: mediapackage,
    // Every local push reaches the ingest from 127.0.0.1: that is the local group's whitelist.
    inputSecurityGroups: { [LOCAL_NAMES.inputSecurityGroupId]: ['127.0.0.1/32'] },
    startSeconds: settings.LOCAL_CHANNEL_START_SECONDS,
    stateFile: join(stateDir, 'medialive.json'),
    onStateChange: (event) => channelStateChange(event),
  });
  onClose(() => medialive.close());
  const ivs = new LocalIvs({ rtmpPort: media.rtmpPort, mediaPort: media.mediaPort, mediaPlane: media.plane, stateFile: join(stateDir, 'ivs.json') });
  await ivs.start();

  const mediaconvert = new LocalMediaConvert({
    s3: s3Client,
    workDir: join(dataDir, 'mediaconvert'),
    stateFile: join(stateDir, 'mediaconvert.json'),
  });
  onClose(() => mediaconvert.close());

  // The tasks are loaded (and the services they run on built) below, after the stand-ins they need.
  const built: { services?: Services } = {};
  const servicesNow = () => {
    if (!built.services) throw new Error('the local runtime is still starting');
    return built.services;
  };
  const runTask = await loadTaskRunner(
    [...rendered.tasks, CONNECTOR_EXITED_TASK, CHANNEL_ALERT_TASK, PUBLISH_EVENTS_TASK, FAN_OUT_WEBHOOKS_TASK, CHANNEL_STATE_CHANGE_TASK, RECONCILE_TASK],
    servicesNow,
  );
  // The rule's target gets the event's `detail`, as in the cloud (infra/channel-watch.ts).
  channelStateChange = (event) =>
    runTask(CHANNEL_STATE_CHANGE_TASK, event.detail).catch((err: unknown) =>
      logger.error('local runtime: recording a channel state change failed', { state: event.detail.state, error: String(err) }),
    );
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
  onClose(() => ecs.close());
  const stepFunctions = new LocalStepFunctions({
    workflows: rendered.workflows,
    runTask,
    runIntegration: localIntegrations({ mediaconvert: () => servicesNow().mediaconvert, jobs: mediaconvert }),
    dir: join(dataDir, 'stepfunctions'),
    waitOverrideMs: stepFunctionsWaitMs,
  });
  onClose(() => stepFunctions.close());
  const sfn = bindLocalService(new SFNClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), stepFunctions.service);
  const scheduler = new LocalScheduler({
    storage: jsonStorage(new JsonStateFile(join(stateDir, 'scheduler.json'), z.array(LocalScheduleSchema))),
    startExecution: async (arn, input) => {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input }));
    },
    // A missed schedule is `skipped`, the state the cloud's claim gives a start it may not make; a
    // start that can't be delivered is `failed` (see SCHEDULE_STATES in core/domain/schedule.ts).
    onMissed: (schedule, lateSeconds) =>
      markFromSchedule(servicesNow(), schedule, { state: 'skipped', error: `missed: the local runtime was down when it came due (${lateSeconds} s late)` }),
    onUndeliverable: (schedule, err) =>
      markFromSchedule(servicesNow(), schedule, { state: 'failed', error: `could not start its workflow: ${String(err)}` }),
    timeScale: settings.LOCAL_SCHEDULE_TIME_SCALE,
  });
  onClose(() => scheduler.stop());

  const cloudwatch = new LocalCloudWatch();

  // The default event bus: the stream events (core/domain/events.ts) and the rules that route them.
  const bus = new LocalEventBridge();
  // A failed fan-out is logged by the bus, as a rule's failed target is in the cloud.
  bus.subscribe({ source: [EVENT_SOURCE] }, (event) => runTask(FAN_OUT_WEBHOOKS_TASK, event));

  const config = localConfig(env, {
    mediaPort: media.mediaPort,
    stateMachineArns: stepFunctions.stateMachineArns,
    s3Endpoint: s3.endpoint,
  });
  const services = localServices(config, {
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
      events: bus.service,
      cloudwatch: cloudwatch.service,
    },
  });
  built.services = services;
  // Every write to a streamed table from here on (and any made before) becomes stream events.
  dynamo.streams.deliverTo((event) => runTask(PUBLISH_EVENTS_TASK, event));

  for (const change of await reconcileStreams(services.store)) {
    logger.warn('local runtime: stream reconciled after a restart', { ...change });
  }
  await reportLostConnectors(services.store, connectorStopped, LOCAL_NAMES.connectorCluster);
  onClose(sweepEvery(settings.LOCAL_RECONCILE_SECONDS, () => runTask(RECONCILE_TASK, {})));
  await scheduler.start();

  const http = await startHttpServer({ port: settings.PORT, api: createApi(services), console: consoleFiles });
  onClose(() => http.close());
  onClose(() => http.setReady(false));
  await allowConsoleReads(s3Client, [services.config.ARCHIVE_BUCKET, services.config.WORKSHOP_OUTPUT_BUCKET], http.port);
  http.setReady(true);

  return { services, bus, apiPort: http.port, rtmpPort: media.rtmpPort, mediaPort: media.mediaPort, s3Endpoint: s3.endpoint };
}

/**
 * The reconciler's schedule: a sweep now, then one every `seconds`, each after the last has ended
 * (a slow sweep is never overlapped by the next). A failed sweep is logged; the next one comes
 * anyway. Returns what stops it.
 */
function sweepEvery(seconds: number, sweep: () => Promise<unknown>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = async () => {
    await sweep().catch((err: unknown) => logger.error('local runtime: the reconciler\'s sweep failed', { error: String(err) }));
    if (!stopped) timer = setTimeout(() => void next(), seconds * 1000);
  };
  void next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Every part's result once all have started; if one failed, its error, but only once the others
 * have settled too: one still starting when another fails must have registered its closer before
 * the runtime stops what started.
 */
async function allStarted<T extends readonly unknown[]>(parts: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(parts);
  for (const part of settled) if (part.status === 'rejected') throw part.reason;
  return settled.map((part) => (part as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * dynalite on disk under the data directory, with the tables the stack makes in the cloud, and the
 * change streams of those the stack streams (`infra/stream-events.ts`).
 */
async function startStore(dataDir: string, onClose: ControlPlaneContext['onClose']): Promise<LocalDynamo & { streams: LocalDynamoDbStreams }> {
  const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
  onClose(() => dynamo.close());
  await ensureTable(dynamo.client, LOCAL_NAMES.table, STREAM_TABLE.partitionKey);
  await ensureTable(dynamo.client, LOCAL_NAMES.idempotencyTable, IDEMPOTENCY_TABLE.partitionKey);
  await ensureTable(dynamo.client, LOCAL_NAMES.splitProgressTable, SPLIT_PROGRESS_TABLE.partitionKey);
  await ensureTable(dynamo.client, LOCAL_NAMES.webhooksTable, WEBHOOK_TABLE.partitionKey);
  await ensureTable(dynamo.client, LOCAL_NAMES.webhookDeliveriesTable, WEBHOOK_DELIVERY_TABLE.partitionKey, WEBHOOK_DELIVERY_TABLE.sortKey);
  const streams = new LocalDynamoDbStreams(dynamo.client, [
    { name: LOCAL_NAMES.table, partitionKey: STREAM_TABLE.partitionKey },
    { name: LOCAL_NAMES.splitProgressTable, partitionKey: SPLIT_PROGRESS_TABLE.partitionKey },
  ]);
  await streams.start();
  // Closed before dynalite (closers run in reverse): the last writes' events still go out.
  onClose(() => streams.drained());
  return { ...dynamo, streams };
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
  // The file is read and written synchronously (see JsonStateFile); the storage contract is async for other stores.
  return { load: () => Promise.resolve(file.load([])), save: (items: T[]) => Promise.resolve(file.save(items)) };
}
