import { describe, expect, it } from 'vitest';
import { newHexId } from '../../../core/ids';
import { newStreamItem } from '../../../core/record';
import { Input, run } from '../../../tasks/record-live';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const ENDPOINT = 'https://live.example.com/live/x/index.m3u8';

async function stream() {
  const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
  return store().create({ ...item, state: 'running', claimed_by: 'start-x-v2' });
}

describe('record-live', () => {
  it('records live with its endpoint and leaves the rest (e.g. a running start’s claim) alone', async () => {
    // Prepare
    const s = await stream();

    // Act
    const out = await run({ stream_id: s.id, live: true, live_endpoint: ENDPOINT }, { store: store() });

    // Assess
    expect(out).toEqual({ stream_id: s.id, live: true, recorded: true });
    expect(await store().get(s.id)).toMatchObject({ live: true, live_endpoint: ENDPOINT, state: 'running', claimed_by: 'start-x-v2' });
  });

  it('records not live with no endpoint', async () => {
    const s = await stream();
    await run({ stream_id: s.id, live: true, live_endpoint: ENDPOINT }, { store: store() });

    await run(Input.parse({ stream_id: s.id, live: false }), { store: store() });

    expect(await store().get(s.id)).toMatchObject({ live: false, live_endpoint: null });
  });

  it('writes nothing when the record already says so', async () => {
    const s = await stream();

    await run({ stream_id: s.id, live: false, live_endpoint: null }, { store: store() });

    expect((await store().get(s.id))?.version).toBe(s.version);
  });

  it('needs nothing for a stream deleted meanwhile', async () => {
    expect(await run({ stream_id: newHexId(), live: false, live_endpoint: null }, { store: store() })).toMatchObject({ recorded: false });
  });

  it('refuses live without an endpoint and not-live with one', () => {
    expect(Input.safeParse({ stream_id: 's', live: true }).success).toBe(false);
    expect(Input.safeParse({ stream_id: 's', live: false, live_endpoint: ENDPOINT }).success).toBe(false);
  });
});
