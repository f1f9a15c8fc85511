import { describe, expect, it } from '@jest/globals';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem, type StreamState } from '../../../core/domain/record';
import { reconcileStreams } from '../../../local/reconcile';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const NOW = new Date('2026-03-01T10:00:00Z');
const AT = String(NOW.getTime() / 1000);

async function aStream(state: StreamState, claimedBy: string | null = null) {
  const id = newHexId();
  return store().create({
    ...newStreamItem({ id, name: state, now: '1700000000' }),
    state,
    started: state === 'starting' || state === 'running',
    claimed_by: claimedBy,
    execution_arns: claimedBy ? [`arn:aws:states:us-east-1:000000000000:execution:fmls-x:${claimedBy}`] : [],
  });
}

describe('reconcileStreams after a restart', () => {
  it('brings every stream that claimed to run or to be mid-action back to a true state', async () => {
    // Prepare
    const starting = await aStream('starting', 'start-a-v2');
    const running = await aStream('running');
    const stopping = await aStream('stopping', 'stop-a-v4');
    const creating = await aStream('creating', 'create-a-v1');
    const deleting = await aStream('deleting', 'delete-a-v7');
    const idle = await aStream('idle');
    const failed = await aStream('failed');

    // Act
    const done = await reconcileStreams(store(), () => NOW);

    // Assess
    const after = (id: string) => store().mustGet(id);
    expect(await after(starting.id)).toMatchObject({
      state: 'idle',
      started: false,
      claimed_by: null,
      last_error: { action: 'start', at: AT, execution_id: starting.execution_arns[0] },
    });
    expect((await after(starting.id)).last_error!.message).toContain('stopped while the stream was starting');
    expect(await after(running.id)).toMatchObject({ state: 'idle', started: false, last_stopped: AT, last_error: { action: 'start', execution_id: null } });
    // The sessions the restart ended say so; a stop under way keeps the reason its stop gave.
    expect(await after(running.id)).toMatchObject({ stop_reason: 'runtime', input_connected: null });
    expect(await after(starting.id)).toMatchObject({ stop_reason: 'runtime', input_connected: null });
    expect(await after(stopping.id)).toMatchObject({ state: 'idle', claimed_by: null, last_stopped: AT, last_error: null, stop_reason: stopping.stop_reason });
    expect(await after(creating.id)).toMatchObject({ state: 'failed', claimed_by: null, last_error: { action: 'create' } });
    expect(await after(deleting.id)).toMatchObject({ state: 'failed', last_error: { action: 'delete' } });
    expect(await after(idle.id)).toEqual(idle);
    expect(await after(failed.id)).toEqual(failed);
    expect(done.map((d) => [d.from, d.to]).sort()).toEqual([
      ['creating', 'failed'],
      ['deleting', 'failed'],
      ['running', 'idle'],
      ['starting', 'idle'],
      ['stopping', 'idle'],
    ]);
  });

  it('releases a connector whose start was cut short, on a running or an idle stream, naming its execution', async () => {
    // Prepare: only the start workflow settles a `starting` connector, and the restart aborted it
    const connector = (target: 'medialive' | 'ivs') => ({ target, state: 'starting' as const, chime_url: 'https://meet.example/x', task_id: null, started_at: '1700000000' });
    const withConnector = async (state: StreamState, target: 'medialive' | 'ivs') => {
      const stream = await aStream(state);
      const name = `${target}-start-${stream.id}-v3`;
      return store().mutate(stream.id, () => ({
        connector: connector(target),
        connector_execution: name,
        execution_arns: [`arn:aws:states:us-east-1:000000000000:execution:fmls-x:${name}`],
      }));
    };
    const chime = await withConnector('running', 'medialive');
    const ivs = await withConnector('idle', 'ivs');

    // Act
    await reconcileStreams(store(), () => NOW);

    // Assess
    const afterChime = await store().mustGet(chime.id);
    expect(afterChime).toMatchObject({ state: 'idle', connector: null, connector_execution: null, last_error: { action: 'start' } });
    const afterIvs = await store().mustGet(ivs.id);
    expect(afterIvs).toMatchObject({
      state: 'idle',
      connector: null,
      connector_execution: null,
      last_error: { action: 'ivs_start', at: AT, execution_id: ivs.execution_arns[0] },
    });
    expect(afterIvs.last_error!.message).toContain('stopped while the connector was starting');
  });

  it('changes nothing on a second run', async () => {
    await aStream('running');
    await reconcileStreams(store(), () => NOW);

    const again = await reconcileStreams(store(), () => NOW);

    expect(again).toEqual([]);
  });
});
