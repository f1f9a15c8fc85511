import { Conflict, DomainError, Invalid, NotFound, Throttled, Transient } from '../domain/errors';

/**
 * AWS SDK v3 failures, mapped to the named errors of `core/domain/errors.ts` so that workflows
 * retry only what may succeed on retry, plus the call shapes every adapter shares: a call, a
 * delete that finds nothing, a create of an id we chose, a delete of a resource with a lifecycle.
 */
interface AwsLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  code?: string;
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);
const NOT_FOUND_NAMES = new Set([
  'NotFoundException',
  'ResourceNotFoundException',
  'NoSuchKey',
  'NoSuchBucket',
  'ExecutionDoesNotExist',
  'StateMachineDoesNotExist',
  'ClusterNotFoundException',
]);
const CONFLICT_NAMES = new Set(['ConflictException', 'ResourceInUseException', 'ConditionalCheckFailedException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * Translates an AWS SDK v3 exception into one of the named errors, so workflows retry only what
 * may succeed on retry. `what` says what was being done ("creating MediaLive input") and becomes
 * the start of the message; the SDK message follows it. Named errors pass through unchanged.
 */
export function fromAwsError(err: unknown, what: string): DomainError {
  if (err instanceof DomainError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = `${what}: ${name}${e.message ? `: ${e.message}` : ''}`;
  const options = { cause: err };
  if (THROTTLING_NAMES.has(name) || status === 429) return new Throttled(message, options);
  if (NOT_FOUND_NAMES.has(name) || status === 404) return new NotFound(message, options);
  if (CONFLICT_NAMES.has(name) || status === 409) return new Conflict(message, options);
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return new Transient(message, options);
  if (e.code && NETWORK_CODES.has(e.code)) return new Transient(message, options);
  if (name === 'TimeoutError' || name === 'AbortError') return new Transient(message, options);
  return new Invalid(message, options);
}

/** Runs an AWS call and rethrows its failure as a named error. */
export async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromAwsError(err, what);
  }
}

/** Runs a delete; a missing resource means the delete is already done. */
export async function deleteIgnoringNotFound(what: string, call: () => Promise<unknown>): Promise<'deleted' | 'absent'> {
  try {
    await aws(what, call);
    return 'deleted';
  } catch (err) {
    if (err instanceof NotFound) return 'absent';
    throw err;
  }
}

/**
 * Runs a create of a resource whose id we chose. If it already exists, an earlier try of the same
 * step made it (the id is ours alone), so `existing` reads it instead of failing the step.
 * MediaPackage (v1) says "already exists" with a 422, other services with a 409.
 */
export async function createOrExisting<T>(what: string, create: () => Promise<T>, existing: () => Promise<T>): Promise<T> {
  try {
    return await aws(what, create);
  } catch (err) {
    const alreadyExists = err instanceof Conflict || (err instanceof Invalid && /already exists/i.test(err.message));
    if (!alreadyExists) throw err;
    return aws(`${what} (reading the one that exists)`, existing);
  }
}

/**
 * Deletes a resource that has a lifecycle state (a MediaLive channel or input): gone or going
 * (`gone`, or NotFound) is done; a state from which a delete is accepted deletes it; any other
 * state is a {@link Conflict} the workflow retries until the resource settles. Reading the state
 * first keeps a retried delete from tripping over the delete it already made.
 */
export async function deleteWhenDeletable(resource: {
  what: string;
  state: () => Promise<string | undefined>;
  gone: ReadonlySet<string>;
  deletable: ReadonlySet<string>;
  remove: () => Promise<unknown>;
}): Promise<{ requested: boolean }> {
  let state: string | undefined;
  try {
    state = await aws(`describing ${resource.what}`, resource.state);
  } catch (err) {
    if (err instanceof NotFound) return { requested: false };
    throw err;
  }
  if (state && resource.gone.has(state)) return { requested: false };
  if (!state || !resource.deletable.has(state)) {
    throw new Conflict(`${resource.what} is ${state ?? 'in an unknown state'}; it can be deleted once ${[...resource.deletable].join(' or ')}`);
  }
  const outcome = await deleteIgnoringNotFound(`deleting ${resource.what}`, resource.remove);
  return { requested: outcome === 'deleted' };
}
