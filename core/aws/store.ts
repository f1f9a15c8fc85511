import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Action } from '../domain/actions';
import { epochString } from '../domain/clock';
import { StreamStateConflict, NotFound } from '../domain/errors';
import { aws, fromAwsError } from './calls';
import { MAX_TRACKED_EXECUTIONS, StreamItemSchema, isStarted, type StreamItem, type StreamState } from '../domain/record';
import { conflictMessage, isAllowed, targetState } from '../domain/transitions';

/** Fields a caller may patch. `id` and `version` are the store's to manage. */
export type StreamPatch = Partial<Omit<StreamItem, 'id' | 'version'>>;

/**
 * How often a write that lost an optimistic-lock race is tried again on a fresh read. Each round
 * of a race has one winner, so N writers racing on one stream need up to N rounds; the jittered
 * backoff below spreads them so that most need far fewer. Bounded: past this the write fails as
 * a conflict rather than spinning.
 */
export const MAX_WRITE_ATTEMPTS = 30;
const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 250;

/**
 * The pause before another try of a write that lost a race: "full jitter" over an exponential
 * window (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), so the
 * losers of one round don't all collide again in the next.
 */
export function backOffAfterConflict(attempt: number): Promise<void> {
  const window = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return sleep(Math.random() * window);
}

/**
 * The stream was written by someone else since the writer read it (optimistic lock), as opposed
 * to a state that forbids the action. Keeps the name `StreamStateConflict` (409 at the API, the
 * same `ErrorEquals` in workflows), so only code that can do better (re-read and try again)
 * needs to tell the two apart.
 */
export class VersionConflict extends StreamStateConflict {
  constructor(id: string, expected: number, now: number) {
    super(`stream ${id} changed since it was read (version ${expected}, now ${now})`);
  }
}

export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** The patch that adds `executionArn` to the stream's executions (newest first, capped). */
export function tracking(item: Pick<StreamItem, 'execution_arns'>, executionArn: string): Pick<StreamPatch, 'execution_arns'> {
  return { execution_arns: [executionArn, ...item.execution_arns.filter((arn) => arn !== executionArn)].slice(0, MAX_TRACKED_EXECUTIONS) };
}

/**
 * The stream table. One item per stream, keyed by `id`. Every write is conditional: a create on the
 * id being new, everything else on the `version` the writer read (optimistic concurrency), and
 * every write bumps `version` and `last_update`. DynamoDB transactions are not used (dynalite
 * has none), so each operation is a single conditional item write.
 */
export class StreamStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<StreamItem | undefined> {
    const out = await aws('reading stream', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true })),
    );
    return out.Item ? StreamItemSchema.parse(out.Item) : undefined;
  }

  async mustGet(id: string): Promise<StreamItem> {
    const item = await this.get(id);
    if (!item) throw new NotFound(`stream ${id} not found`);
    return item;
  }

  /** Every stream, newest `last_update` first. */
  async list(): Promise<StreamItem[]> {
    const items: StreamItem[] = [];
    const pages = paginateScan({ client: this.db }, { TableName: this.tableName, ConsistentRead: true });
    for await (const page of pages) {
      for (const raw of page.Items ?? []) items.push(StreamItemSchema.parse(raw));
    }
    return items.sort((a, b) => Number(b.last_update ?? 0) - Number(a.last_update ?? 0));
  }

  /** Writes a new stream; fails with {@link StreamStateConflict} if the id exists. */
  async create(item: StreamItem): Promise<StreamItem> {
    const written = { ...item, last_update: epochString(this.now()) };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: written, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new StreamStateConflict(`stream ${item.id} already exists`);
      throw fromAwsError(err, 'creating stream');
    }
    return written;
  }

  /**
   * Applies `patch` if the stored version is still `expectedVersion`; returns the new item.
   * A stale version is a {@link StreamStateConflict} (409 at the API); a missing stream {@link NotFound}.
   */
  async update(id: string, expectedVersion: number, patch: StreamPatch): Promise<StreamItem> {
    const fields = Object.entries({ ...patch, last_update: epochString(this.now()) }).filter(
      ([, v]) => v !== undefined,
    );
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': expectedVersion, ':one': 1 };
    const sets = fields.map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    sets.push('#version = #version + :one');
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(id) AND #version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return StreamItemSchema.parse(out.Attributes);
    } catch (err) {
      if (!isConditionFailure(err)) throw fromAwsError(err, 'updating stream');
      const current = await this.get(id);
      if (!current) throw new NotFound(`stream ${id} not found`);
      throw new VersionConflict(id, expectedVersion, current.version);
    }
  }

  /**
   * Read-modify-write: `change` sees the latest item and returns the patch to apply (or `undefined`
   * for no write). Without `expectedVersion` a concurrent write is retried on a fresh read (bounded,
   * jittered): for workflow steps, whose writes must land whatever else touched the record
   * meanwhile (e.g. `live` flipping during a start). With it the write happens only on that very
   * version, once: of several writers who read the same version, only the one whose conditional
   * write lands succeeds, the others get a {@link VersionConflict} (the API's claims, see `claim`).
   * `change` may read elsewhere (e.g. the live routes): what it reads after the item is then checked
   * by the same conditional write, and read again on a retry.
   */
  async mutate(
    id: string,
    change: (item: StreamItem) => StreamPatch | undefined | Promise<StreamPatch | undefined>,
    expectedVersion?: number,
  ): Promise<StreamItem> {
    for (let attempt = 1; ; attempt++) {
      const item = await this.mustGet(id);
      if (expectedVersion !== undefined && item.version !== expectedVersion) {
        throw new VersionConflict(id, expectedVersion, item.version);
      }
      const patch = await change(item);
      if (patch === undefined) return item;
      try {
        return await this.update(id, item.version, patch);
      } catch (err) {
        if (!(err instanceof VersionConflict) || expectedVersion !== undefined || attempt >= MAX_WRITE_ATTEMPTS) throw err;
        await backOffAfterConflict(attempt);
      }
    }
  }

  /**
   * Checks the action against the stream's state and, for an action with a transitional state
   * (start → starting, …), moves the stream there with `claimedBy` as the owner. Actions without a
   * transitional state (live, update, …) only check the state and write nothing. Anyone but the
   * owner finds the state taken: a {@link StreamStateConflict} naming it.
   *
   * Two callers, two guarantees. The workflow's claim (no `expectedVersion`) is idempotent for the
   * owner: a stream already claimed by `claimedBy` is returned unchanged, so a retried step, or an
   * execution the API claimed for, goes on; and a concurrent write to other fields is retried, not
   * taken for a conflict. The API's claim (`expectedVersion`: the version it read and derived the
   * execution name from) is a write on exactly that version: concurrent requests that read the
   * same version compute the same name, so "already claimed under my name" proves nothing there;
   * only the one whose conditional write lands wins, the others get a {@link VersionConflict}.
   */
  async claim(
    id: string,
    action: Action,
    claimedBy: string,
    patch: StreamPatch = {},
    expectedVersion?: number,
  ): Promise<StreamItem> {
    const to: StreamState | undefined = targetState(action);
    return this.mutate(
      id,
      (item) => {
        if (to && item.claimed_by === claimedBy && expectedVersion === undefined) return undefined;
        if (!isAllowed(action, item.state)) throw new StreamStateConflict(conflictMessage(action, item.state));
        if (!to) return undefined;
        return { ...patch, state: to, started: isStarted(to), claimed_by: claimedBy };
      },
      expectedVersion,
    );
  }

  /** Remembers an execution of this stream (newest first, capped) so the API can list it. */
  async trackExecution(id: string, executionArn: string): Promise<StreamItem> {
    return this.mutate(id, (item) => (item.execution_arns.includes(executionArn) ? undefined : tracking(item, executionArn)));
  }

  /** Deletes the record if it is still at `expectedVersion`; a missing record is already deleted. */
  async delete(id: string, expectedVersion?: number): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id },
          ...(expectedVersion === undefined
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(id) OR #version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new StreamStateConflict(`stream ${id} changed since it was read`);
      throw fromAwsError(err, 'deleting stream');
    }
  }
}
