import { describe, expect, it } from '@jest/globals';
import { takeConnectorSlot, requestConnectorStop } from '../../../core/aws/connector-slot';
import { connectorConflict, connectorGroup, streamIdOfGroup, taskIdOf } from '../../../core/domain/connector';
import { Invalid, StreamStateConflict } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem, type StreamItem } from '../../../core/domain/record';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const NOW = new Date('2026-01-01T00:00:00Z');
const URL = 'https://meet.example.com/v2?m=workshop';

async function aStream(patch: Partial<StreamItem> = {}): Promise<StreamItem> {
  return store().create({ ...newStreamItem({ id: newHexId(), name: 'w', now: '1700000000' }), state: 'running', ...patch });
}

const connector = (target: 'medialive' | 'ivs', state: 'starting' | 'running' | 'stopping' = 'running') => ({
  target,
  state,
  chime_url: URL,
  task_id: 't-1',
  started_at: '1700000000',
});

describe('connectorConflict (the 409 rule the API and the workflows share)', () => {
  it('allows chime_start only on a running stream without a connector', () => {
    expect(connectorConflict({ state: 'running', connector: null }, 'chime_start')).toBeUndefined();
    expect(connectorConflict({ state: 'idle', connector: null }, 'chime_start')).toMatch(/state 'idle'/);
    expect(connectorConflict({ state: 'running', connector: connector('ivs') }, 'chime_start')).toMatch(/already has a ivs connector/);
  });

  it('allows ivs_start on an idle stream but not while creating or deleting', () => {
    expect(connectorConflict({ state: 'idle', connector: null }, 'ivs_start')).toBeUndefined();
    expect(connectorConflict({ state: 'deleting', connector: null }, 'ivs_start')).toMatch(/state 'deleting'/);
    expect(connectorConflict({ state: 'creating', connector: null }, 'ivs_start')).toMatch(/state 'creating'/);
  });

  it('allows a stop only for a connector of its own target', () => {
    expect(connectorConflict({ state: 'running', connector: connector('medialive') }, 'chime_stop')).toBeUndefined();
    expect(connectorConflict({ state: 'running', connector: null }, 'chime_stop')).toBe('stream has no medialive connector');
    expect(connectorConflict({ state: 'running', connector: connector('medialive') }, 'ivs_stop')).toBe(
      'stream has no ivs connector (it has a medialive connector)',
    );
  });
});

describe('takeConnectorSlot', () => {
  it('takes the slot: connector starting, broadcast URL, owner remembered', async () => {
    const item = await aStream();

    const claimed = await takeConnectorSlot(store(), item.id, { action: 'chime_start', chimeUrl: URL, executionName: 'exec-a', now: NOW });

    expect(claimed.connector).toEqual({
      target: 'medialive',
      state: 'starting',
      chime_url: `${URL}&broadcast=true`,
      task_id: null,
      started_at: String(NOW.getTime() / 1000),
    });
    expect(claimed.connector_execution).toBe('exec-a');
  });

  it('is a no-op for the owner and a conflict for anyone else', async () => {
    const item = await aStream();
    const first = await takeConnectorSlot(store(), item.id, { action: 'ivs_start', chimeUrl: URL, executionName: 'exec-a', now: NOW });

    const again = await takeConnectorSlot(store(), item.id, { action: 'ivs_start', chimeUrl: URL, executionName: 'exec-a', now: NOW });
    const other = takeConnectorSlot(store(), item.id, { action: 'chime_start', chimeUrl: URL, executionName: 'exec-b', now: NOW });

    expect(again.version).toBe(first.version);
    await expect(other).rejects.toBeInstanceOf(StreamStateConflict);
  });

  it('lets exactly one of two concurrent starts win', async () => {
    const item = await aStream();

    const results = await Promise.allSettled(
      ['exec-a', 'exec-b'].map((executionName) =>
        takeConnectorSlot(store(), item.id, { action: 'chime_start', chimeUrl: URL, executionName, now: NOW }),
      ),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('rejects a URL that is not http(s) as Invalid, writing nothing', async () => {
    const item = await aStream();

    await expect(
      takeConnectorSlot(store(), item.id, { action: 'chime_start', chimeUrl: 'file:///etc/passwd', executionName: 'x', now: NOW }),
    ).rejects.toBeInstanceOf(Invalid);
    expect((await store().mustGet(item.id)).version).toBe(item.version);
  });
});

describe('requestConnectorStop', () => {
  it('marks the connector stopping once; repeating it writes nothing', async () => {
    const item = await aStream({ connector: connector('medialive') });

    const stopped = await requestConnectorStop(store(), item.id, 'chime_stop');
    const again = await requestConnectorStop(store(), item.id, 'chime_stop');

    expect(stopped.connector?.state).toBe('stopping');
    expect(again.version).toBe(stopped.version);
  });

  it('refuses a stop with no connector of that target', async () => {
    const item = await aStream({ connector: connector('ivs') });

    await expect(requestConnectorStop(store(), item.id, 'chime_stop')).rejects.toBeInstanceOf(StreamStateConflict);
  });
});

describe('ids', () => {
  it('reads the task id of an ARN and the stream of a task group', () => {
    const stream = newHexId();
    expect(taskIdOf('arn:aws:ecs:us-east-1:1:task/connectors/abc123')).toBe('abc123');
    expect(taskIdOf('abc123')).toBe('abc123');
    expect(streamIdOfGroup(connectorGroup(stream))).toBe(stream);
    expect(streamIdOfGroup('family:connector')).toBeUndefined();
    expect(streamIdOfGroup(undefined)).toBeUndefined();
  });
});
