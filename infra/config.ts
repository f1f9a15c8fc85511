import type { Node } from 'constructs';
import { z } from 'zod';
import { CHANNEL_WATCH } from '../workflows/steps';

/**
 * The shortest task Lambda timeout: a watching channel Describe looks for the whole
 * `CHANNEL_WATCH.watchSeconds` and then answers, so its Lambda must outlast that window, its last
 * look and the calls' latency (10 s of margin).
 */
const MIN_TASK_TIMEOUT_SECONDS = CHANNEL_WATCH.watchSeconds + 10;

/**
 * The deployment's settings, read from CDK context (`cdk.json`, or `-c key=value` on the command
 * line) and validated here, in one place. Every key has a documented default (see
 * `docs/DEPLOY.md`); `cdk.json` repeats the defaults so an operator sees what can be set.
 *
 * Context given with `-c` arrives as a string, context in `cdk.json` as JSON, so lists and numbers
 * accept both (`-c ingestCidrs=203.0.113.0/24,198.51.100.7/32` or a JSON array).
 */
export const CONTEXT_DEFAULTS = {
  /** Where MediaLive writes the recordings (the bucket name of the system this one replaces; `core/lambda/config.ts` has the same default). */
  archiveBucketName: 'fem-livestream-archive',
  /** Where split writes the MP4s (`fem_workshop_output_bucket` in the system this one replaces). */
  workshopOutputBucketName: 'fem-workshops-out',
  /**
   * CIDRs allowed to push RTMP to MediaLive inputs (at most 9; the stack adds the Chime connector's
   * NAT address). Empty by default: no encoder can push until the operator lists its network.
   * There is deliberately no open-to-the-world default.
   */
  ingestCidrs: [] as string[],
  /** Custom domain of the live distribution (e.g. `live.frontendmasters.com`); with `liveCertificateArn`. */
  liveDomainName: undefined as string | undefined,
  /** ACM certificate (in us-east-1, as CloudFront requires) for `liveDomainName`. */
  liveCertificateArn: undefined as string | undefined,
  /** SPEKE key server for MediaPackage HLS encryption; without it streams are served clear. */
  spekeUrl: undefined as string | undefined,
  /** The role MediaPackage assumes to call the SPEKE server; with `spekeUrl`. */
  spekeRoleArn: undefined as string | undefined,
  /** How long short API actions wait for their workflow before answering 202 (`docs/API.md`). */
  apiWaitSeconds: 20,
  /** Timeout of every task Lambda; below the 60 s Task timeout that workflows give by default. */
  taskTimeoutSeconds: 50,
  /**
   * The Chime connector's image, as a registry URI (e.g. an ECR image pushed by CI). Unset: built
   * from `connector/` by `cdk deploy` (Docker needed then, never for `cdk synth`).
   */
  connectorImage: undefined as string | undefined,
  /**
   * Let this stack set the account-wide API Gateway CloudWatch Logs role (one per account and
   * region, shared by every API in it). Off by default: setting it replaces whatever role the
   * account uses; turn it on only where no role is set yet (docs/DEPLOY.md).
   */
  apiGatewayCloudWatchRole: false as boolean,
  /**
   * An SNS topic (in the stack's region: alarm actions must be) that every CloudWatch alarm of the
   * stack notifies (`infra/alarms.ts`). Unset: the alarms show in CloudWatch only.
   */
  alarmTopicArn: undefined as string | undefined,
  /**
   * Web origins the operator console runs at against this stack (`npx fmls console`, default port
   * 3100): the media buckets let them GET (CORS), so the console plays a recording's presigned
   * segments. Empty: no cross-origin reads.
   */
  consoleOrigins: ['http://127.0.0.1:3100', 'http://localhost:3100'] as string[],
} as const;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;

/** A JSON array, or a comma-separated list as `-c` delivers it. */
const listFromContext = z.preprocess((raw) => {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed;
    } catch {
      return raw; // not JSON: the array check below reports it
    }
  }
  return text === '' ? [] : text.split(',').map((part) => part.trim());
}, z.array(z.string()));

/** `true`/`false` as JSON, or as the strings `-c key=true` delivers. */
const booleanFromContext = z.preprocess(
  (raw) => (raw === 'true' ? true : raw === 'false' ? false : raw),
  z.boolean({ message: 'must be true or false' }),
);

const optionalText = z.preprocess((raw) => (raw === null || raw === '' ? undefined : raw), z.string().optional());

/** S3's bucket naming rules (lowercase, digits, dots, hyphens; 3–63 chars). */
const BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');

const ConfigSchema = z
  .object({
    archiveBucketName: BucketName,
    workshopOutputBucketName: BucketName,
    ingestCidrs: listFromContext.pipe(
      // MediaLive takes at most 10 rules per input security group; the connector's NAT address is one.
      z.array(z.cidrv4({ message: 'must be IPv4 CIDRs such as 203.0.113.0/24' })).max(9, 'at most 9 CIDRs: MediaLive takes 10 rules per input security group and the Chime connector\'s NAT address is one'),
    ),
    liveDomainName: optionalText.pipe(z.hostname().optional()),
    liveCertificateArn: optionalText.pipe(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN in us-east-1')
        .optional(),
    ),
    spekeUrl: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    spekeRoleArn: optionalText.pipe(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
        .optional(),
    ),
    apiWaitSeconds: z.coerce.number().int().min(0).max(25),
    taskTimeoutSeconds: z.coerce
      .number()
      .int()
      .min(
        MIN_TASK_TIMEOUT_SECONDS,
        `must be at least ${MIN_TASK_TIMEOUT_SECONDS} s: a channel Describe watches for ${CHANNEL_WATCH.watchSeconds} s (CHANNEL_WATCH, workflows/steps.ts)`,
      )
      // Workflows give a Lambda step 60 s (workflows/steps.ts): a longer Lambda timeout would only be cut by the Task's.
      .max(55, 'must be under the 60 s Task timeout the workflows give each Lambda step'),
    apiGatewayCloudWatchRole: booleanFromContext,
    alarmTopicArn: optionalText.pipe(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN (arn:aws:sns:{region}:{account}:{name})')
        .optional(),
    ),
    consoleOrigins: listFromContext.pipe(
      z.array(z.url({ protocol: /^https?$/ }).refine((u) => URL.canParse(u) && new URL(u).origin === u, 'must be an origin: scheme, host and port only, e.g. http://127.0.0.1:3100')),
    ),
    connectorImage: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/, 'must be an image URI with a tag or digest')
        .optional(),
    ),
  })
  .refine((c) => (c.liveDomainName === undefined) === (c.liveCertificateArn === undefined), {
    message: 'liveDomainName and liveCertificateArn go together: set both or neither',
    path: ['liveCertificateArn'],
  })
  .refine((c) => (c.spekeUrl === undefined) === (c.spekeRoleArn === undefined), {
    message: 'spekeUrl and spekeRoleArn go together: set both or neither',
    path: ['spekeRoleArn'],
  });

export type InfraConfig = z.infer<typeof ConfigSchema>;

/** Reads every context key (falling back to its default) and fails synth naming each bad key. */
export function readInfraConfig(node: Node): InfraConfig {
  const raw = Object.fromEntries(
    (Object.keys(CONTEXT_DEFAULTS) as ContextKey[]).map((key) => [key, node.tryGetContext(key) ?? CONTEXT_DEFAULTS[key]]),
  );
  return parseInfraConfig(raw);
}

export function parseInfraConfig(raw: Record<string, unknown>): InfraConfig {
  const parsed = ConfigSchema.safeParse({ ...CONTEXT_DEFAULTS, ...raw });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(context)'}: ${i.message}`);
    throw new Error(`invalid CDK context: ${problems.join('; ')}`);
  }
  return parsed.data;
}
