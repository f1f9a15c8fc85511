import { describe, expect, it } from 'vitest';
import { NotFound, StreamStateConflict } from '../../../core/errors';
import { newHexId } from '../../../core/ids';
import { newStreamItem } from '../../../core/record';
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
