import * as z from '../domain/zod';

/** A comma-separated list in one environment variable (`subnet-a,subnet-b`); absent = empty. */
function commaList() {
  return z.pipe(
    z.optional(z.string()),
    z.transform((raw) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  );
}

/**
 * Every setting the Lambdas and the local runtime read, validated in one place. In the cloud the
 * stack sets these environment variables from CDK context (`cdk.json`); locally `local/` sets them.
 * A setting a component needs but doesn't have fails loudly when that component first asks for it
 * ({@link requireSetting}), naming the variable, rather than at import time in every Lambda.
 */
const ConfigSchema = z.object({
  TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  IDEMPOTENCY_TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  /** The split progress table (`core/aws/split-progress.ts`). */
  SPLIT_PROGRESS_TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  /**
   * Local only: a split's `download_url` is `{this}/{bucket}/{key}`, a plain GET on the local S3
   * (`http://127.0.0.1:{S3_PORT}`). Unset in the cloud, where it is a presigned S3 URL.
   */
  PLAIN_DOWNLOAD_BASE_URL: z.optional(z.string().check(z.url())),
  ARCHIVE_BUCKET: z._default(z.string().check(z.minLength(1)), 'fem-livestream-archive'),
  WORKSHOP_OUTPUT_BUCKET: z._default(z.string().check(z.minLength(1)), 'fem-workshops-out'),
  /** The deployment's MediaLive input security group (CIDRs from context). */
  INPUT_SECURITY_GROUP_ID: z.optional(z.string().check(z.minLength(1))),
  /** The role MediaLive assumes to write to MediaPackage and the archive bucket. */
  MEDIALIVE_ROLE_ARN: z.optional(z.string().check(z.minLength(1))),
  /** SPEKE key server for MediaPackage HLS encryption; without it, `key_rotation_interval` is recorded but streams are clear. */
  SPEKE_URL: z.optional(z.string().check(z.url())),
  SPEKE_ROLE_ARN: z.optional(z.string().check(z.minLength(1))),
  /** Public base URL of the live distribution, e.g. `https://live.example.com`. */
  LIVE_BASE_URL: z.optional(z.string().check(z.url())),
  /** The CloudFront KeyValueStore that maps a live stream's path to its origin. */
  LIVE_KVS_ARN: z.optional(z.string().check(z.minLength(1))),
  /** The Chime connector on ECS (set by `infra/connector.ts`): cluster, task definition, its container, networking. */
  CONNECTOR_CLUSTER: z.optional(z.string().check(z.minLength(1))),
  CONNECTOR_TASK_DEFINITION: z.optional(z.string().check(z.minLength(1))),
  CONNECTOR_CONTAINER_NAME: z._default(z.string().check(z.minLength(1)), 'connector'),
  /** Comma-separated subnet and security group ids for the task's network interface. */
  CONNECTOR_SUBNETS: commaList(),
  CONNECTOR_SECURITY_GROUPS: commaList(),
  /** ENABLED for public subnets (no NAT): the task needs a public IP to reach Chime and the ingest. */
  CONNECTOR_ASSIGN_PUBLIC_IP: z._default(z.enum(['ENABLED', 'DISABLED']), 'ENABLED'),
  /** The connector's output: 1080p30 (default) or 720p30. */
  CONNECTOR_RESOLUTION: z._default(z.enum(['1080p', '720p']), '1080p'),
  /** IVS ingest: `rtmps` in the cloud; the local runtime's ingest is plain `rtmp`. */
  IVS_INGEST_SCHEME: z._default(z.enum(['rtmps', 'rtmp']), 'rtmps'),
  IVS_CHANNEL_TYPE: z._default(z.enum(['STANDARD', 'BASIC', 'ADVANCED_SD', 'ADVANCED_HD']), 'STANDARD'),
  /** JSON map action → state machine ARN, for the API. */
  STATE_MACHINE_ARNS: z.pipe(
    z.optional(z.string()),
    z.transform((raw, payload): Record<string, string> => {
      if (raw === undefined) return {};
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(raw));
      } catch {
        // zod/mini's transform is handed the parse payload itself (no `addIssue`): the issue goes on its list.
        payload.issues.push({ code: 'custom', input: raw, message: 'STATE_MACHINE_ARNS must be a JSON object of action → ARN' });
        return z.NEVER;
      }
    }),
  ),
  /** EventBridge Scheduler: the deployment's schedule group, the role it starts state machines with, its dead-letter queue. */
  SCHEDULE_GROUP_NAME: z.optional(z.string().check(z.minLength(1))),
  SCHEDULER_ROLE_ARN: z.optional(z.string().check(z.minLength(1))),
  SCHEDULE_DLQ_ARN: z.optional(z.string().check(z.minLength(1))),
  /** Webhooks (`infra/webhooks.ts`): the webhooks table and the deliveries table. */
  WEBHOOKS_TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  WEBHOOK_DELIVERIES_TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  /** Local runtime only (`local/env.ts`): webhooks may be plain `http://127.0.0.1:…`. Never set in the cloud. */
  WEBHOOK_LOOPBACK_HTTP: z.pipe(z._default(z.enum(['true', 'false']), 'false'), z.transform((raw) => raw === 'true')),
  API_WAIT_SECONDS: z._default(z.coercedNumber().check(z.int(), z.gte(0), z.lte(25)), 20),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

type OptionalKeys = { [K in keyof Config]-?: undefined extends Config[K] ? K : never }[keyof Config];

/** A setting that this component cannot work without. */
export function requireSetting<K extends OptionalKeys>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null) throw new Error(`missing configuration: ${key} is not set`);
  return value;
}
