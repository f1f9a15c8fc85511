import { BatchWriteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { StreamStore } from '../../../core/aws/store';
import { StreamStateConflict } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { ensureTable, startDynalite, type LocalDynamo } from '../../../local/dynamodb';
import { LocalDynamoDbStreams, type DynamoDbStreamRecord } from '../../../local/dynamodb-streams';

let dynamo: LocalDynamo;
let store: StreamStore;
let other: StreamStore;
let streams: LocalDynamoDbStreams;
let records: DynamoDbStreamRecord[];

/** What a record says: its kind, and the version before and after (the store bumps it on every write). */
const versions = (record: DynamoDbStreamRecord) => ({
  eventName: record.eventName,
  old: record.dynamodb.OldImage && (unmarshall(record.dynamodb.OldImage).version as number),
  new: record.dynamodb.NewImage && (unmarshall(record.dynamodb.NewImage).version as number),
});

async function startStreams(): Promise<void> {
  streams = new LocalDynamoDbStreams(dynamo.client, [{ name: 'streams', partitionKey: 'id' }]);
  await streams.start();
  streams.deliverTo((event) => {
    records.push(...event.Records);
    return Promise.resolve();
  });
}

beforeEach(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client, 'streams', 'id');
  await ensureTable(dynamo.client, 'unstreamed', 'id');
  store = new StreamStore(documentClient(dynamo.client), 'streams');
  other = new StreamStore(documentClient(dynamo.client), 'unstreamed');
  records = [];
});

afterEach(async () => {
  await streams?.drained();
  await dynamo.close();
});

const aStream = () => newStreamItem({ id: newHexId(), name: 'w', now: '1764655200' });

describe('local DynamoDB Streams over dynalite', () => {
  it('turns a create, updates and a delete into INSERT, MODIFY and REMOVE records with the item before and after', async () => {
    // Prepare
    await startStreams();
    const item = await store.create(aStream());
    // Act
    const v2 = await store.update(item.id, 1, { state: 'idle' });
    await store.update(item.id, 2, { description: 'second' });
    await store.delete(item.id);
    await streams.drained();
    // Assess: the record shape of https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
    expect(records.map(versions)).toEqual([
      { eventName: 'INSERT', old: undefined, new: 1 },
      { eventName: 'MODIFY', old: 1, new: 2 },
      { eventName: 'MODIFY', old: 2, new: 3 },
      { eventName: 'REMOVE', old: 3, new: undefined },
    ]);
    expect(unmarshall(records[1].dynamodb.NewImage!)).toEqual(v2);
    expect(unmarshall(records[1].dynamodb.OldImage!)).toMatchObject({ state: 'creating', version: 1 });
    expect(records[0]).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'us-east-1',
      eventSourceARN: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:\d{12}:table\/streams\/stream\/.+/),
      dynamodb: { Keys: { id: { S: item.id } }, StreamViewType: 'NEW_AND_OLD_IMAGES', ApproximateCreationDateTime: expect.any(Number) },
    });
    const sequence = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
  });

  it('makes no record for a write that did not happen: a failed condition, a delete of nothing', async () => {
    // Prepare
    await startStreams();
    const item = await store.create(aStream());
    // Act
    await expect(store.update(item.id, 7, { description: 'stale' })).rejects.toBeInstanceOf(StreamStateConflict);
    await expect(store.create(item)).rejects.toBeInstanceOf(StreamStateConflict);
    await store.delete(newHexId());
    await streams.drained();
    // Assess
    expect(records.map(versions)).toEqual([{ eventName: 'INSERT', old: undefined, new: 1 }]);
  });

  it('keeps one item\'s writes in the order they landed, each record\'s old image the previous new one, under concurrent writers', async () => {
    // Prepare
    await startStreams();
    const item = await store.create(aStream());
    // Act: writers racing on one item (each mutate retries on a fresh read until its write lands)
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.mutate(item.id, () => ({ description: `writer ${i}` }))));
    await streams.drained();
    // Assess
    expect(records.map(versions)).toEqual([
      { eventName: 'INSERT', old: undefined, new: 1 },
      ...Array.from({ length: 12 }, (_, i) => ({ eventName: 'MODIFY', old: i + 1, new: i + 2 })),
    ]);
    for (let i = 1; i < records.length; i++) expect(records[i].dynamodb.OldImage).toEqual(records[i - 1].dynamodb.NewImage);
  });

  it('reads each write\'s own new image, even when writes to one item land back to back without conditions', async () => {
    // Prepare
    await startStreams();
    const item = await store.create(aStream());
    const bump = () =>
      dynamo.client.send(
        new UpdateItemCommand({
          TableName: 'streams',
          Key: { id: { S: item.id } },
          UpdateExpression: 'SET #v = #v + :one',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
    // Act
    await Promise.all(Array.from({ length: 40 }, bump));
    await streams.drained();
    // Assess: 40 records, versions 1 → 41 one step at a time: no image read twice, none skipped
    expect(records.slice(1).map(versions)).toEqual(Array.from({ length: 40 }, (_, i) => ({ eventName: 'MODIFY', old: i + 1, new: i + 2 })));
  });

  it('knows the items that were there before it started (the old image of their first write), and streams only its tables', async () => {
    // Prepare: an item written before the stand-in started
    const item = await store.create(aStream());
    await startStreams();
    // Act
    await store.update(item.id, 1, { state: 'idle' });
    await other.create(aStream());
    await streams.drained();
    // Assess
    expect(records.map(versions)).toEqual([{ eventName: 'MODIFY', old: 1, new: 2 }]);
  });

  it('refuses a batch write to a streamed table, naming it (it would make no records)', async () => {
    // Prepare
    await startStreams();
    // Act / Assess
    await expect(
      dynamo.client.send(new BatchWriteItemCommand({ RequestItems: { streams: [{ PutRequest: { Item: { id: { S: 'x' } } } }] } })),
    ).rejects.toThrow(/BatchWriteItemCommand to the streamed table streams is not supported/);
  });

  it('holds records until a consumer is there, and hands a batch its consumer failed to it again', async () => {
    // Prepare
    streams = new LocalDynamoDbStreams(dynamo.client, [{ name: 'streams', partitionKey: 'id' }]);
    await streams.start();
    await store.create(aStream());
    let calls = 0;
    // Act
    streams.deliverTo((event) => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('consumer down'));
      records.push(...event.Records);
      return Promise.resolve();
    });
    await streams.drained();
    // Assess
    expect(calls).toBe(2);
    expect(records.map(versions)).toEqual([{ eventName: 'INSERT', old: undefined, new: 1 }]);
  });
});
