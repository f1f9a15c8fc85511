import { describe, expect, it } from '@jest/globals';
import { sessionIdFor } from '../../../core/domain/archive-path';
import { loadConfig } from '../../../core/lambda/config';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { Input, run } from '../../../tasks/begin-session';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const config = loadConfig({ ARCHIVE_BUCKET: 'archive-bucket' });
const STARTED_AT = '2026-02-03T04:05:06.789Z';

/** A stream the start `claimedBy` has claimed (as the API or the start's first step did). */
async function idleStream(archives: Record<string, string> = {}, claimedBy = 'start-x-v2') {
  const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
  const created = await store().create({ ...item, state: 'idle', archives_path: archives, startover_window_seconds: 10, key_rotation_interval: 0 });
  return store().claim(created.id, 'start', claimedBy);
}

describe('begin-session', () => {
  it('records a default dated session with default window and rotation, keeping earlier sessions', async () => {
    // Prepare
    const stream = await idleStream({ old: 's3://archive-bucket/old/' });

    // Act
    const out = await run({ start: { stream_id: stream.id }, execution_name: 'start-x-v2', started_at: STARTED_AT }, { store: store(), config });

    // Assess
    const session = sessionIdFor('start-x-v2');
    const path = `s3://archive-bucket/2026/02/03/${stream.id}-1770091506/`;
    expect(out).toEqual({ session_id: session, archive_path: path, startover_window_seconds: 3600, key_rotation_interval: 60 });
    expect(await store().get(stream.id)).toMatchObject({
      current_session_id: session,
      archives_path: { old: 's3://archive-bucket/old/', [session]: path },
      startover_window_seconds: 3600,
      key_rotation_interval: 60,
    });
  });

  it('uses the given path and options', async () => {
    const stream = await idleStream({}, 'start-y-v2');

    const out = await run(
      {
        start: { stream_id: stream.id, path: 's3://other-bucket/talks', startover_window_seconds: 0, key_rotation_interval: 0 },
        execution_name: 'start-y-v2',
        started_at: STARTED_AT,
      },
      { store: store(), config },
    );

    expect(out).toMatchObject({ archive_path: 's3://other-bucket/talks/', startover_window_seconds: 0, key_rotation_interval: 0 });
    expect((await store().get(stream.id))?.archives_path).toEqual({ [out.session_id]: 's3://other-bucket/talks/' });
  });

  it('records the same session when the step is retried', async () => {
    const stream = await idleStream({}, 'start-z-v2');
    const input = { start: { stream_id: stream.id }, execution_name: 'start-z-v2', started_at: STARTED_AT };

    const first = await run(input, { store: store(), config });
    const again = await run(input, { store: store(), config });

    expect(again).toEqual(first);
    expect(Object.keys((await store().get(stream.id))!.archives_path)).toEqual([first.session_id]);
  });

  it('opens no session on a stream the start no longer holds (a delete claimed it meanwhile)', async () => {
    const stream = await idleStream();
    await store().claim(stream.id, 'delete', 'delete-y-v3');

    await expect(
      run({ start: { stream_id: stream.id }, execution_name: 'start-x-v2', started_at: STARTED_AT }, { store: store(), config }),
    ).rejects.toMatchObject({ name: 'StreamStateConflict' });

    expect(await store().mustGet(stream.id)).toMatchObject({ state: 'deleting', current_session_id: null, archives_path: {} });
  });

  it('fails for a stream that does not exist', async () => {
    await expect(
      run({ start: { stream_id: newHexId() }, execution_name: 'e', started_at: STARTED_AT }, { store: store(), config }),
    ).rejects.toThrow(/not found/);
  });

  it('refuses options outside the documented ranges (a schedule made with bad options)', () => {
    const base = { execution_name: 'e', started_at: STARTED_AT };

    expect(Input.safeParse({ ...base, start: { stream_id: 'x', key_rotation_interval: 30 } }).success).toBe(false);
    expect(Input.safeParse({ ...base, start: { stream_id: 'x', path: 'https://nope/' } }).success).toBe(false);
    expect(Input.safeParse({ ...base, start: { stream_id: 'x' } }).success).toBe(true);
  });
});
