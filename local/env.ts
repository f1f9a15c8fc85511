import { z } from 'zod';
import { loadConfig, type Config } from '../core/lambda/config';

/** 0 asks the OS for any free port (tests); the runtime reports the port it got. */
const Port = z.coerce.number().int().min(0).max(65535);

/**
 * The local runtime's own settings, read and validated here and nowhere else. Every one has a
 * default, so `npm start` needs none of them.
 */
const LocalEnvSchema = z.object({
  /** The API (the same handler API Gateway invokes in the cloud). */
  PORT: Port.default(3000),
  /** RTMP ingest: `rtmp1`/`rtmp2` point here. */
  RTMP_PORT: Port.default(1935),
  /** HLS (`viewer_endpoint`, `/live/…`) and the local keys. */
  MEDIA_PORT: Port.default(8080),
  /** The local S3 (s3rver): buckets readable with a plain GET, path-style. */
  S3_PORT: Port.default(4569),
  /** Where everything is kept across restarts: DynamoDB, S3 objects, executions, channels. */
  LOCAL_DATA_DIR: z.string().min(1).default('.local'),
  /** How long a local MediaLive channel takes from STARTING to RUNNING (the cloud takes minutes). */
  LOCAL_CHANNEL_START_SECONDS: z.coerce.number().min(0).max(600).default(3),
  /**
   * Tests only: every local schedule fires after this fraction of its lead (0.05: a 60 s cost
   * guard fires after 3 s), so the guards' end-to-end tests need not wait the API's minimums.
   * Default 1: schedules fire on time.
   */
  LOCAL_SCHEDULE_TIME_SCALE: z.coerce.number().gt(0).max(1).default(1),
  /** How often the reconciler sweeps channels and connectors against the records (tasks/reconcile.ts); it also runs at start. The cloud sweeps every 15 minutes. */
  LOCAL_RECONCILE_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
});
export type LocalEnv = z.infer<typeof LocalEnvSchema>;

export function loadLocalEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid local runtime settings: ${problems}`);
  }
  return parsed.data;
}

/** Powertools' levels, as `LOG_LEVEL` names them (any case). */
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LocalLogLevel = (typeof LOG_LEVELS)[number];

/**
 * `npm start`'s log level: `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`, in any case (Powertools itself
 * takes only upper case from the environment and ignores `debug` without a word), default INFO. A
 * value that is no level is an error naming the variable.
 */
export function localLogLevel(env: NodeJS.ProcessEnv = process.env): LocalLogLevel {
  const name = env.POWERTOOLS_LOG_LEVEL ? 'POWERTOOLS_LOG_LEVEL' : 'LOG_LEVEL';
  const value = env[name];
  if (!value) return 'INFO';
  const level = LOG_LEVELS.find((l) => l === value.toUpperCase());
  if (!level) throw new Error(`invalid local runtime settings: ${name}: ${JSON.stringify(value)} is not one of ${LOG_LEVELS.map((l) => l.toLowerCase()).join(', ')}`);
  return level;
}

/** The account in every local ARN: obviously not a real one. */
export const LOCAL_ACCOUNT = '000000000000';
/** The region in every local ARN; the local services answer whatever region a client names. */
export const LOCAL_REGION = 'us-east-1';

/** Names of the local stand-ins for what the stack deploys in the cloud. */
export const LOCAL_NAMES = {
  table: 'fmls-streams',
  idempotencyTable: 'fmls-idempotency',
  webhooksTable: 'fmls-webhooks',
  webhookDeliveriesTable: 'fmls-webhook-deliveries',
  splitProgressTable: 'fmls-split-progress',
  inputSecurityGroupId: '1000000',
  scheduleGroup: 'fmls-local',
  connectorCluster: 'connectors',
  connectorTaskDefinition: 'fmls-connector:1',
} as const;

/** The live distribution's routes: the local CloudFront KeyValueStore. */
export const LOCAL_KVS_ARN = `arn:aws:cloudfront::${LOCAL_ACCOUNT}:key-value-store/fmls-live-routes`;

/** Where the runtime's parts ended up listening, once they are up. */
export interface LocalWiring {
  mediaPort: number;
  /** action → state machine ARN of the local Step Functions service. */
  stateMachineArns: Record<string, string>;
  /** The local S3's endpoint, `http://127.0.0.1:{S3_PORT}`: split downloads are plain GETs on it. */
  s3Endpoint?: string;
}

/** Settings an operator may set for the local runtime as for the cloud (bucket names, API wait). */
const PASSED_THROUGH = ['ARCHIVE_BUCKET', 'WORKSHOP_OUTPUT_BUCKET', 'API_WAIT_SECONDS'] as const;

function passedThrough(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(PASSED_THROUGH.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}

/** The buckets the local S3 must have before anything runs: the archive and the workshop output. */
export function localBuckets(env: NodeJS.ProcessEnv): string[] {
  const config = loadConfig(passedThrough(env));
  return [config.ARCHIVE_BUCKET, config.WORKSHOP_OUTPUT_BUCKET];
}

/**
 * The `Config` that the API and the tasks read (`core/lambda/config.ts`), as the stack would set it in
 * the cloud, but pointing at the local stand-ins. Built from an explicit map rather than by
 * mutating `process.env`, so two runtimes in one process (tests) don't share settings.
 */
export function localConfig(env: NodeJS.ProcessEnv, wiring: LocalWiring): Config {
  const role = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
  return loadConfig({
    ...passedThrough(env),
    AWS_REGION: LOCAL_REGION,
    TABLE_NAME: LOCAL_NAMES.table,
    IDEMPOTENCY_TABLE_NAME: LOCAL_NAMES.idempotencyTable,
    WEBHOOKS_TABLE_NAME: LOCAL_NAMES.webhooksTable,
    WEBHOOK_DELIVERIES_TABLE_NAME: LOCAL_NAMES.webhookDeliveriesTable,
    // Local receivers are plain HTTP servers on this machine; the cloud never sets this.
    WEBHOOK_LOOPBACK_HTTP: 'true',
    SPLIT_PROGRESS_TABLE_NAME: LOCAL_NAMES.splitProgressTable,
    ...(wiring.s3Endpoint ? { PLAIN_DOWNLOAD_BASE_URL: wiring.s3Endpoint } : {}),
    INPUT_SECURITY_GROUP_ID: LOCAL_NAMES.inputSecurityGroupId,
    MEDIALIVE_ROLE_ARN: role('fmls-local-medialive'),
    // The local media plane makes and serves the AES-128 keys itself; configuring a "key server"
    // makes the start workflow ask for HLS encryption exactly as it does with SPEKE in the cloud.
    SPEKE_URL: `http://127.0.0.1:${wiring.mediaPort}/speke`,
    SPEKE_ROLE_ARN: role('fmls-local-speke'),
    LIVE_BASE_URL: `http://127.0.0.1:${wiring.mediaPort}`,
    LIVE_KVS_ARN: LOCAL_KVS_ARN,
    STATE_MACHINE_ARNS: JSON.stringify(wiring.stateMachineArns),
    SCHEDULE_GROUP_NAME: LOCAL_NAMES.scheduleGroup,
    SCHEDULER_ROLE_ARN: role('fmls-local-scheduler'),
    // The connector runs as a child process (local ECS); networking settings are placeholders it ignores.
    CONNECTOR_CLUSTER: LOCAL_NAMES.connectorCluster,
    CONNECTOR_TASK_DEFINITION: LOCAL_NAMES.connectorTaskDefinition,
    CONNECTOR_SUBNETS: 'subnet-local',
    CONNECTOR_SECURITY_GROUPS: 'sg-local',
    CONNECTOR_ASSIGN_PUBLIC_IP: 'DISABLED',
    // Two shared cores: 720p keeps a connector beside the channels' encoders.
    CONNECTOR_RESOLUTION: '720p',
    // The local ingest (the media plane's RTMP server) speaks plain RTMP.
    IVS_INGEST_SCHEME: 'rtmp',
  });
}
