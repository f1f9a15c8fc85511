import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFound } from '../domain/errors';
import type { SplitOutput } from '../domain/split-outputs';
import {
  finishedProgress,
  finishedSection,
  plannedProgress,
  SplitProgressSchema,
  type SectionOutcome,
  type SplitProgress,
  type SplitStatus,
} from '../domain/split-progress';
import { requireSetting, type Config } from '../lambda/config';
import { aws, fromAwsError } from './calls';
import { backOffAfterConflict, isConditionFailure, MAX_WRITE_ATTEMPTS } from './store';
import { SPLIT_PROGRESS_TABLE } from './tables';

const KEY = SPLIT_PROGRESS_TABLE.partitionKey;

/**
 * The split progress table (rules: `core/domain/split-progress.ts`). Every write is conditional:
 * the plan's on the item being new; a section's on that section still being `pending` (one
 * UpdateExpression on its own list element, so the Map's concurrent iterations never overwrite
 * each other's sections, and a retried write finds its section finished and changes nothing); the
 * end's on the `version` it read (read-modify-write, retried on a fresh read).
 */
export class SplitProgressStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(executionId: string): Promise<SplitProgress | undefined> {
    const out = await aws('reading split progress', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { [KEY]: executionId }, ConsistentRead: true })),
    );
    return out.Item ? SplitProgressSchema.parse(out.Item) : undefined;
  }

  private async mustGet(executionId: string): Promise<SplitProgress> {
    const item = await this.get(executionId);
    if (!item) throw new NotFound(`no split progress for execution ${executionId}`);
    return item;
  }

  /** Every section `pending`, unless the split's progress is already written (a retry, or the API's write and the workflow's both). */
  async begin(args: { executionId: string; streamId: string; outputs: readonly SplitOutput[] }): Promise<SplitProgress> {
    const item = plannedProgress(args);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': KEY },
        }),
      );
      return item;
    } catch (err) {
      if (!isConditionFailure(err)) throw fromAwsError(err, 'writing split progress');
      return this.mustGet(args.executionId);
    }
  }

  /** Section `outcome.index` becomes `done` or `failed`, if it is still `pending`. */
  async recordSection(executionId: string, outcome: Pick<SectionOutcome, 'index' | 'status' | 'error'>): Promise<SplitProgress> {
    const finished = finishedSection(outcome, this.now());
    // The list index is a number the schema checked (an integer ≥ 0), so it can sit in the expression.
    const section = `#sections[${outcome.index}]`;
    const sets = [`${section}.#state = :state`, `${section}.#finished_at = :finished_at`, '#version = #version + :one'];
    const values: Record<string, unknown> = { ':state': finished.state, ':finished_at': finished.finished_at, ':pending': 'pending', ':one': 1 };
    const names: Record<string, string> = { '#key': KEY, '#sections': 'sections', '#state': 'state', '#finished_at': 'finished_at', '#version': 'version' };
    if (finished.error !== undefined) {
      sets.push(`${section}.#error = :error`);
      values[':error'] = finished.error;
      names['#error'] = 'error';
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: executionId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(#key) AND ${section}.#state = :pending`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return SplitProgressSchema.parse(out.Attributes);
    } catch (err) {
      if (!isConditionFailure(err)) throw fromAwsError(err, 'writing split section progress');
      // No item (NotFound), or the section is finished already: a repeat changes nothing.
      const item = await this.mustGet(executionId);
      if (!item.sections.some((s) => s.index === outcome.index)) {
        throw new NotFound(`split ${executionId} has no section ${outcome.index}`);
      }
      return item;
    }
  }

  /**
   * The execution ended with `status` (see `finishedProgress`): written on the version read, and
   * on a fresh read again if another write came between. Nothing is written when the item says
   * the execution ended already, or when there is no item (the split failed before its plan was written).
   */
  async finish(
    executionId: string,
    end: { status: Exclude<SplitStatus, 'RUNNING'>; outcomes?: readonly Pick<SectionOutcome, 'index' | 'status' | 'error'>[]; error?: string },
  ): Promise<SplitProgress | undefined> {
    for (let attempt = 1; ; attempt++) {
      const item = await this.get(executionId);
      if (!item) return undefined;
      const next = finishedProgress(item, { ...end, at: this.now() });
      if (!next) return item;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: next,
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': item.version },
          }),
        );
        return next;
      } catch (err) {
        if (!isConditionFailure(err)) throw fromAwsError(err, 'writing split progress');
        if (attempt >= MAX_WRITE_ATTEMPTS) throw fromAwsError(err, `writing split progress (${attempt} tries lost to other writes)`);
        await backOffAfterConflict(attempt);
      }
    }
  }
}

/** The store over the deployment's split progress table. */
export function splitProgressStore(deps: { dynamodb: DynamoDBDocumentClient; config: Config; now: () => Date }): SplitProgressStore {
  return new SplitProgressStore(deps.dynamodb, requireSetting(deps.config, 'SPLIT_PROGRESS_TABLE_NAME'), deps.now);
}
