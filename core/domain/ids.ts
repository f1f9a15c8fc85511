import { createHash, randomBytes } from 'node:crypto';

/** 32 lowercase hex chars: stream ids, session ids, default split name modifiers. */
export function newHexId(): string {
  return randomBytes(16).toString('hex');
}

/** An RTMP stream key: unguessable, URL-safe. */
export function newStreamKey(): string {
  return randomBytes(18).toString('base64url');
}

/** Stream, session and schedule ids: what {@link newHexId} makes. */
export const HEX_ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * A Step Functions name: 1–80 chars, none of white space, brackets, wildcards, `"#%\\^|~\`$&,;:/` or
 * control characters (`StartExecutionInput.name`, `@aws-sdk/client-sfn`
 * dist-types/models/models_0.d.ts). Ours are `[A-Za-z0-9_-]`; a scheduler may pick others.
 */
const SFN_NAME = '[^\\s<>{}\\[\\]?*"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f]{1,80}';
/** An execution by name, or by ARN (`arn:{partition}:states:{region}:{account}:execution:{machine}:{name}`). */
export const EXECUTION_ID_PATTERN = new RegExp(`^(arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{1,12}:execution:${SFN_NAME}:)?${SFN_NAME}$`);

/** Step Functions execution names are at most 80 chars of [A-Za-z0-9_-]. */
const MAX_EXECUTION_NAME = 80;

/**
 * Deterministic execution name `{action}-{streamId}-{token}`: starting the same execution twice
 * (a retried API call, a schedule and a retry) is a no-op in Step Functions, because the name is
 * the idempotency key. `token` is usually `v{version}` of the record the action claimed.
 */
export function executionName(action: string, streamId: string, token: string): string {
  const name = `${action}-${streamId}-${token}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (name.length > MAX_EXECUTION_NAME) {
    throw new RangeError(`execution name longer than ${MAX_EXECUTION_NAME} chars: ${name}`);
  }
  return name;
}

/** The action and stream of an execution name made by {@link executionName}; `undefined` for any other name. */
export function parseExecutionName(name: string): { action: string; streamId: string } | undefined {
  const match = /^([a-z_]+)-([0-9a-f]{32})-/.exec(name);
  return match ? { action: match[1], streamId: match[2] } : undefined;
}

/**
 * An idempotency token for an AWS create call, derived from the execution and the step, so a
 * retried step re-sends the same token and AWS returns the resource it already made.
 */
export function requestToken(executionName: string, step: string): string {
  // 32 hex chars fit every token field we use (ECS `startedBy` takes at most 36).
  return createHash('sha256').update(`${executionName}\n${step}`).digest('hex').slice(0, 32);
}
