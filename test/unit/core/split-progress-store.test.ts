import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { SplitProgressStore } from '../../../core/aws/split-progress';
import { SPLIT_PROGRESS_TABLE } from '../../../core/aws/tables';
import { NotFound } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { splitOutputs } from '../../../core/domain/split-outputs';
import { ensureTable, startDynalite, type LocalDynamo } from '../../../local/dynamodb';

/**
 * The split progress store against dynalite's real conditional writes. A section's write sets its
 * own list element (`SET sections[i].state = …`): "When you use SET to update a list element, the
 * contents of that element are replaced with the new data that you specify. If the element
 * doesn't already exist, SET appends the new element at the end of the list"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html),
 * which is why the write is conditional on that element being `pending`: an index past the end
 * must change nothing rather than append.
 */
const TABLE = 'split-progress';
let dynamo: LocalDynamo;
let db: DynamoDBDocumentClient;
let store: SplitProgressStore;

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client, TABLE, SPLIT_PROGRESS_TABLE.partitionKey);
  db = documentClient(dynamo.client);
  store = new SplitProgressStore(db, TABLE);
});
afterAll(async () => dynamo?.close());

function aSplit(sections: number) {
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:fm-split:split-${newHexId()}`;
  const outputs = splitOutputs({
    archivePath: 's3://arch/p/',
    outputBucket: 'out',
    nameModifier: 'm',
    sections: Array.from({ length: sections }, (_, i) => ({ start: i * 10, end: i * 10 + 5 })),
  });
  return { executionId, streamId: newHexId(), outputs };
}

describe('SplitProgressStore against dynalite', () => {
  it('writes the plan once: a second begin (the API and the workflow both write it) changes nothing', async () => {
    const split = aSplit(3);
    const first = await store.begin(split);
    await store.recordSection(split.executionId, { index: 0, status: 'COMPLETE' });

    const second = await store.begin(split);

    expect(first.sections.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
    expect(second.sections.map((s) => s.state)).toEqual(['done', 'pending', 'pending']);
    expect(second.version).toBe(2);
  });

  it('loses no section when every iteration writes at once', async () => {
    const split = aSplit(40);
    await store.begin(split);

    await Promise.all(
      split.outputs.map((o) =>
        store.recordSection(split.executionId, o.index % 3 === 0 ? { index: o.index, status: 'FAILED', error: `section ${o.index}: no` } : { index: o.index, status: 'COMPLETE' }),
      ),
    );

    const item = await store.get(split.executionId);
    expect(item?.sections.map((s) => s.state)).toEqual(split.outputs.map((o) => (o.index % 3 === 0 ? 'failed' : 'done')));
    expect(item?.sections.filter((s) => s.state === 'failed').every((s) => s.error === `section ${s.index}: no`)).toBe(true);
    expect(item?.version).toBe(41);
  });

  it('takes a repeated section write (a retried task) as done: the first outcome stays, nothing is bumped', async () => {
    const split = aSplit(2);
    await store.begin(split);
    await store.recordSection(split.executionId, { index: 1, status: 'FAILED', error: 'first' });

    const again = await store.recordSection(split.executionId, { index: 1, status: 'COMPLETE' });

    expect(again.sections[1]).toMatchObject({ state: 'failed', error: 'first' });
    expect(again.version).toBe(2);
  });

  it('refuses a section the split does not have, without appending it', async () => {
    const split = aSplit(3);
    await store.begin(split);

    await expect(store.recordSection(split.executionId, { index: 7, status: 'COMPLETE' })).rejects.toThrow(
      new NotFound(`split ${split.executionId} has no section 7`),
    );
    expect((await store.get(split.executionId))?.sections).toHaveLength(3);
  });

  it('refuses a section of a split it has no progress of, and writes no item', async () => {
    const split = aSplit(1);

    await expect(store.recordSection(split.executionId, { index: 0, status: 'COMPLETE' })).rejects.toBeInstanceOf(NotFound);
    expect(await store.get(split.executionId)).toBeUndefined();
  });

  it('ends on a fresh read when a section write lands between its read and its write', async () => {
    const split = aSplit(2);
    await store.begin(split);
    // A client that lets section 0's own write land just before the end's first Put.
    let raced = false;
    const racing = {
      send: async (command: unknown) => {
        if (command instanceof PutCommand && !raced) {
          raced = true;
          await store.recordSection(split.executionId, { index: 0, status: 'FAILED', error: 'its own word' });
        }
        return db.send(command as PutCommand);
      },
    } as unknown as DynamoDBDocumentClient;

    const ended = await new SplitProgressStore(racing, TABLE).finish(split.executionId, {
      status: 'SUCCEEDED',
      outcomes: [
        { index: 0, status: 'COMPLETE' },
        { index: 1, status: 'COMPLETE' },
      ],
    });

    expect(raced).toBe(true);
    expect(ended?.sections.map((s) => [s.state, s.error])).toEqual([
      ['failed', 'its own word'],
      ['done', undefined],
    ]);
    expect(await store.get(split.executionId)).toEqual(ended);
  });

  it('ends once, and not at all a split whose plan was never written', async () => {
    const split = aSplit(1);
    await store.begin(split);
    const ended = await store.finish(split.executionId, { status: 'FAILED', error: 'x' });

    expect(await store.finish(split.executionId, { status: 'SUCCEEDED', outcomes: [{ index: 0, status: 'COMPLETE' }] })).toEqual(ended);
    expect(await store.finish(aSplit(1).executionId, { status: 'FAILED', error: 'x' })).toBeUndefined();
  });
});
