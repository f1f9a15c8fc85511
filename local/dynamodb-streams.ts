import { randomBytes } from 'node:crypto';
import {
  GetItemCommand,
  paginateScan,
  type AttributeValue,
  type DynamoDBClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import type { BuildHandler, BuildHandlerArguments, HandlerExecutionContext } from '@smithy/types';
import { logger } from '../core/lambda/logger';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

type Item = Record<string, AttributeValue>;

/** A table whose writes are streamed, and its partition key (the tables here have no sort key). */
export interface StreamedTable {
  readonly name: string;
  readonly partitionKey: string;
}

/**
 * One stream record, as Lambda hands DynamoDB Streams records to a function (NEW_AND_OLD_IMAGES):
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event),
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
export interface DynamoDbStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    OldImage?: Item;
    NewImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'NEW_AND_OLD_IMAGES';
  };
}

export type StreamConsumer = (event: { Records: DynamoDbStreamRecord[] }) => Promise<unknown>;

/** Lambda's default batch for a DynamoDB stream: https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize). */
const BATCH_SIZE = 100;
/** A batch the consumer failed is tried this many more times, then dropped with an error log (the cloud's on-failure queue, `infra/stream-events.ts`). */
const RETRY_ATTEMPTS = 2;
const SINGLE_ITEM_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const MULTI_ITEM_WRITES = new Set(['BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/**
 * DynamoDB Streams for dynalite, which has none: every successful write to a streamed table,
 * through the given client, becomes a stream record with the item before and after it, handed to
 * a consumer (locally `tasks/publish-events.ts`, as Lambda's event source mapping does in the cloud).
 *
 * How it gets the images, exactly: writes of one item are made one at a time (a lock per item, as
 * DynamoDB orders one item's writes; writes to other items stay concurrent), and after each write
 * lands the item is read back (consistent read) while the lock is still held, so the read sees that
 * write and no later one: the new image. The old image is the previous new image, kept per item
 * (loaded by a scan at `start`). A write whose condition fails makes no record, as in DynamoDB.
 * Records are delivered in the order the writes landed, in batches, one batch at a time.
 *
 * Only single-item writes are streamed: a batch or transactional write to a streamed table is
 * refused with an error naming it (nothing here makes one; dynalite has no transactions anyway).
 */
export class LocalDynamoDbStreams {
  private readonly tables: ReadonlyMap<string, StreamedTable>;
  private readonly images = new Map<string, Item>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly pending: DynamoDbStreamRecord[] = [];
  private sequence = 0n;
  private consumer: StreamConsumer | undefined;
  private draining: Promise<void> | undefined;
  private readonly label = new Date().toISOString().replace(/Z$/, '');

  constructor(
    private readonly client: DynamoDBClient,
    tables: readonly StreamedTable[],
  ) {
    this.tables = new Map(tables.map((table) => [table.name, table]));
  }

  /** Loads every streamed table's items (the old images of their next writes), then streams the client's writes. */
  async start(): Promise<void> {
    for (const table of this.tables.values()) {
      for await (const page of paginateScan({ client: this.client }, { TableName: table.name, ConsistentRead: true })) {
        for (const item of page.Items ?? []) this.images.set(this.itemKey(table, item), item);
      }
    }
    this.client.middlewareStack.add((next, context) => this.streamWrites(next, context), { step: 'build', name: 'localDynamoDbStreams' });
  }

  /** From now on, records (those already made too) go to `consumer`. */
  deliverTo(consumer: StreamConsumer): void {
    this.consumer = consumer;
    this.drain();
  }

  /** Resolves once every record made so far has been delivered (or dropped). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** The stream ARN of a table: `arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}`. */
  streamArn(tableName: string): string {
    return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}/stream/${this.label}`;
  }

  private streamWrites(
    next: BuildHandler<ServiceInputTypes, ServiceOutputTypes>,
    context: HandlerExecutionContext,
  ): BuildHandler<ServiceInputTypes, ServiceOutputTypes> {
    return async (args: BuildHandlerArguments<ServiceInputTypes>) => {
      const input = args.input as { TableName?: string; Key?: Item; Item?: Item; RequestItems?: object; TransactItems?: unknown[] };
      const command = context.commandName ?? '';
      if (MULTI_ITEM_WRITES.has(command)) this.refuseMultiItemWrite(command, input);
      const table = input.TableName === undefined ? undefined : this.tables.get(input.TableName);
      if (!table || !SINGLE_ITEM_WRITES.has(command)) return next(args);
      const keyItem = input.Key ?? input.Item ?? {};
      const key = this.itemKey(table, keyItem);
      return this.locked(key, async () => {
        const out = await next(args);
        try {
          const read = await this.client.send(
            new GetItemCommand({ TableName: table.name, Key: { [table.partitionKey]: keyItem[table.partitionKey] }, ConsistentRead: true }),
          );
          this.record(table, key, read.Item);
        } catch (err) {
          // The write landed: its caller must hear so. What is lost is this one record, said loudly.
          logger.error('local DynamoDB Streams: a write landed but its new image could not be read; no record made', { table: table.name, error: String(err) });
        }
        return out;
      });
    };
  }

  private refuseMultiItemWrite(command: string, input: { RequestItems?: object; TransactItems?: unknown[] }): void {
    const named = JSON.stringify(input.RequestItems ? Object.keys(input.RequestItems) : (input.TransactItems ?? []));
    for (const name of this.tables.keys()) {
      if (named.includes(`"${name}"`)) throw new Error(`local DynamoDB Streams: ${command} to the streamed table ${name} is not supported; write one item at a time`);
    }
  }

  /** Runs `write` once the item's earlier writes are done. */
  private async locked<T>(key: string, write: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.locks.set(key, mine);
    await before;
    try {
      return await write();
    } finally {
      if (this.locks.get(key) === mine) this.locks.delete(key);
      release();
    }
  }

  private itemKey(table: StreamedTable, item: Item): string {
    return `${table.name}\u0000${JSON.stringify(item[table.partitionKey])}`;
  }

  /** The record of a write that landed: nothing when the item is as it was (a delete of nothing). */
  private record(table: StreamedTable, key: string, after: Item | undefined): void {
    const before = this.images.get(key);
    if (after) this.images.set(key, after);
    else this.images.delete(key);
    if (!before && !after) return;
    const image = (after ?? before)!;
    this.sequence += 1n;
    this.pending.push({
      eventID: randomBytes(16).toString('hex'),
      eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      eventSourceARN: this.streamArn(table.name),
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { [table.partitionKey]: image[table.partitionKey] },
        ...(before ? { OldImage: before } : {}),
        ...(after ? { NewImage: after } : {}),
        SequenceNumber: this.sequence.toString().padStart(21, '0'),
        SizeBytes: JSON.stringify([before, after]).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    this.drain();
  }

  private drain(): void {
    if (this.draining || !this.consumer || this.pending.length === 0) return;
    const consumer = this.consumer;
    this.draining = (async () => {
      while (this.pending.length > 0) await this.deliver(consumer, this.pending.splice(0, BATCH_SIZE));
    })().finally(() => {
      this.draining = undefined;
      this.drain();
    });
  }

  private async deliver(consumer: StreamConsumer, records: DynamoDbStreamRecord[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await consumer({ Records: records });
        return;
      } catch (err) {
        if (attempt >= RETRY_ATTEMPTS) {
          const last = records[records.length - 1].dynamodb.SequenceNumber;
          logger.error('local DynamoDB Streams: a batch of records was dropped, its consumer kept failing', { records: records.length, lastSequenceNumber: last, error: String(err) });
          return;
        }
      }
    }
  }
}
