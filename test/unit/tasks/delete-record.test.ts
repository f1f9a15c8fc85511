import { describe, expect, it } from '@jest/globals';
import { Conflict, StreamStateConflict } from '../../../core/domain/errors';
import type { StreamStore } from '../../../core/aws/store';
import { run } from '../../../tasks/delete-record';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();

describe('delete-record', () => {
  it('deletes the record of a stream being deleted', async () => {
    // Prepare
    const stream = await aStream(store(), { state: 'deleting', archives_path: { s1: 's3://b/p/' } });

    // Act
    const out = await run({ stream_id: stream.id }, { store: store() });

    // Assess
    expect(out).toEqual({ deleted: true });
    expect(await store().get(stream.id)).toBeUndefined();
  });

  it('is done when the record is already gone (a retried step)', async () => {
    expect(await run({ stream_id: 'f'.repeat(32) }, { store: store() })).toEqual({ deleted: false });
  });

  it('keeps the record of a stream that is not being deleted', async () => {
    const stream = await aStream(store(), { state: 'idle' });

    await expect(run({ stream_id: stream.id }, { store: store() })).rejects.toBeInstanceOf(StreamStateConflict);
    expect(await store().get(stream.id)).toBeDefined();
  });

  it('asks the workflow to retry when the record changes between its read and its delete', async () => {
    const stream = await aStream(store(), { state: 'deleting' });
    // A store whose read returns the version before a concurrent rename.
    const stale: StreamStore = Object.assign(Object.create(store()) as StreamStore, {
      get: async (id: string) => {
        const before = await store().get(id);
        await store().update(id, before!.version, { name: 'renamed' });
        return before;
      },
    });

    await expect(run({ stream_id: stream.id }, { store: stale })).rejects.toBeInstanceOf(Conflict);
    expect(await store().get(stream.id)).toMatchObject({ name: 'renamed' });
  });
});
