import { describe, expect, it } from '@jest/globals';
import { NotFound, StreamStateConflict } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { VersionConflict } from '../../../core/aws/store';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();

function aStream(name = 'workshop') {
  return newStreamItem({ id: newHexId(), name, now: '1700000000' });
}

describe('StreamStore against dynalite', () => {
  it('creates a stream once; a second create of the same id is a conflict', async () => {
    const item = aStream();
    await store().create(item);
    await expect(store().create(item)).rejects.toBeInstanceOf(StreamStateConflict);
    expect((await store().get(item.id))?.name).toBe('workshop');
  });

  it('rejects a stale write (optimistic locking) and keeps the winner', async () => {
    const item = await store().create(aStream());
    const winner = await store().update(item.id, item.version, { description: 'first' });
    await expect(store().update(item.id, item.version, { description: 'second' })).rejects.toThrow(
      /changed since it was read \(version 1, now 2\)/,
    );
    const stored = await store().get(item.id);
    expect(winner.version).toBe(2);
    expect(stored?.description).toBe('first');
  });

  it('updates a missing stream as NotFound', async () => {
    await expect(store().update(newHexId(), 1, { name: 'x' })).rejects.toBeInstanceOf(NotFound);
  });

  it('mutate retries over concurrent writers so that no update is lost', async () => {
    const item = await store().create(aStream());
    const writers = ['a', 'b', 'c', 'd'].map((letter) =>
      store().mutate(item.id, (current) => ({ description: current.description + letter })),
    );
    await Promise.all(writers);
    const stored = await store().get(item.id);
    expect([...(stored?.description ?? '')].sort().join('')).toBe('abcd');
    expect(stored?.version).toBe(5);
  });

  it('claims by the state rules, idempotently for the same execution, and refuses others naming the state', async () => {
    const item = await store().create({ ...aStream(), state: 'idle' });
    const claimed = await store().claim(item.id, 'start', 'start-a');
    expect(claimed.state).toBe('starting');
    expect(claimed.started).toBe(true);
    expect((await store().claim(item.id, 'start', 'start-a')).version).toBe(claimed.version);
    await expect(store().claim(item.id, 'start', 'start-b')).rejects.toThrow("cannot start a stream in state 'starting'");
  });

  it('mutate lands every one of 20 concurrent writers (bounded, jittered retry), losing none', async () => {
    const item = await store().create(aStream());
    const letters = Array.from({ length: 20 }, (_, i) => `<${i}>`);

    await Promise.all(letters.map((letter) => store().mutate(item.id, (current) => ({ description: current.description + letter }))));

    const stored = (await store().get(item.id))!;
    expect(letters.filter((letter) => !stored.description.includes(letter))).toEqual([]);
    expect(stored.version).toBe(item.version + 20);
  });

  it('an API claim at a version has one winner, even when every claimer uses the same name', async () => {
    const item = await store().create({ ...aStream(), state: 'idle' });
    const name = `start-${item.id}-v${item.version + 1}`;

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => store().claim(item.id, 'start', name, {}, item.version)),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
      expect(lost.reason).toBeInstanceOf(VersionConflict);
    }
    // The execution of that name still re-claims idempotently (a retried first step goes on).
    const reclaimed = await store().claim(item.id, 'start', name);
    expect(reclaimed).toMatchObject({ state: 'starting', claimed_by: name, version: item.version + 1 });
  });

  it('a workflow claim is not thrown off by concurrent writes to other fields', async () => {
    const item = await store().create({ ...aStream(), state: 'idle' });

    const [claimed] = await Promise.all([
      store().claim(item.id, 'start', 'start-x'),
      ...Array.from({ length: 10 }, (_, i) => store().mutate(item.id, () => ({ description: `d${i}` }))),
    ]);

    expect(claimed).toMatchObject({ state: 'starting', claimed_by: 'start-x' });
  });

  it('tracks executions newest first without duplicates', async () => {
    const item = await store().create(aStream());
    await store().trackExecution(item.id, 'arn:1');
    await store().trackExecution(item.id, 'arn:2');
    const stored = await store().trackExecution(item.id, 'arn:1');
    expect(stored.execution_arns).toEqual(['arn:2', 'arn:1']);
  });

  it('lists newest last_update first and deletes', async () => {
    const a = await store().create(aStream('a'));
    await new Promise((r) => setTimeout(r, 1100));
    const b = await store().create(aStream('b'));
    const listed = (await store().list()).map((s) => s.id);
    expect(listed.indexOf(b.id)).toBeLessThan(listed.indexOf(a.id));
    await store().delete(a.id, a.version);
    expect(await store().get(a.id)).toBeUndefined();
  });
});
