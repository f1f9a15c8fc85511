import { describe, expect, it } from '@jest/globals';
import { run as connectorExited } from '../../../tasks/connector-exited';
import { run as recordConnector } from '../../../tasks/record-connector';
import { run as recordFailure } from '../../../tasks/record-connector-failure';
import { useStreamStore } from '../../fixtures/stream-store';
import { aStream, connector, NOW } from './connector-fixtures';

const store = useStreamStore();
const deps = () => ({ store: store(), now: () => NOW });
const EXEC = 'chime_start-x-v2';

describe('record-connector', () => {
  it('records running with the source, only for the owner of a starting connector', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 't' }), connector_execution: EXEC });

    expect(await recordConnector({ outcome: 'running', stream_id: item.id, execution_name: 'someone-else' }, deps())).toEqual({ recorded: false });
    expect(await recordConnector({ outcome: 'running', stream_id: item.id, execution_name: EXEC, source: 'test_pattern' }, deps())).toEqual({ recorded: true });

    expect((await store().mustGet(item.id)).connector).toMatchObject({ state: 'running', source: 'test_pattern', task_id: 't' });
  });

  it('lets a stop requested meanwhile win over running', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    expect(await recordConnector({ outcome: 'running', stream_id: item.id, execution_name: EXEC }, deps())).toEqual({ recorded: false });
    expect((await store().mustGet(item.id)).connector?.state).toBe('stopping');
  });

  it('clears the connector once stopped', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    await recordConnector({ outcome: 'stopped', stream_id: item.id, connector_execution: EXEC }, deps());

    const stored = await store().mustGet(item.id);
    expect(stored.connector).toBeNull();
    expect(stored.connector_execution).toBeNull();
  });

  it('clears only the connector the stop claimed, never the next start that took the freed slot (issue 9 item 1)', async () => {
    const next = 'ivs_start-x-v3';
    const item = await aStream(store(), { connector: connector({ target: 'ivs', state: 'starting' }), connector_execution: next });

    expect(await recordConnector({ outcome: 'stopped', stream_id: item.id, connector_execution: EXEC }, deps())).toEqual({ recorded: false });

    const stored = await store().mustGet(item.id);
    expect(stored.connector).toMatchObject({ target: 'ivs', state: 'starting' });
    expect(stored.connector_execution).toBe(next);
  });
});

describe('record-connector-failure', () => {
  const failure = { Error: 'ConnectorStopped', Cause: JSON.stringify({ errorMessage: 'pushing to rtmp://1.2.3.4:1935/app/secret-key failed' }) };

  it('frees the slot of a failed start and records a redacted last_error', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 't' }), connector_execution: EXEC, state: 'running', claimed_by: 'stop-x' });

    await recordFailure({ stream_id: item.id, action: 'chime_start', execution_id: 'arn:e', failure, release_for: EXEC }, deps());

    const stored = await store().mustGet(item.id);
    expect(stored.connector).toBeNull();
    expect(stored.last_error).toEqual({
      action: 'chime_start',
      message: 'ConnectorStopped: pushing to rtmp://1.2.3.4:1935/app/*** failed',
      at: String(NOW.getTime() / 1000),
      execution_id: 'arn:e',
    });
    // Connectors run beside the stream's lifecycle: its state and claim are not theirs to touch.
    expect(stored.state).toBe('running');
    expect(stored.claimed_by).toBe('stop-x');
  });

  it('records nothing for a start that failed because a stop was requested', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    expect(await recordFailure({ stream_id: item.id, action: 'chime_start', execution_id: 'e', failure, release_for: EXEC }, deps())).toEqual({ recorded: false });
    expect((await store().mustGet(item.id)).connector?.state).toBe('stopping');
  });

  it('keeps the connector of a failed stop, so the stop can be retried', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    await recordFailure({ stream_id: item.id, action: 'chime_stop', execution_id: 'e', failure: { Error: 'Timeout', Cause: 'timed out' } }, deps());

    const stored = await store().mustGet(item.id);
    expect(stored.connector?.state).toBe('stopping');
    expect(stored.last_error?.message).toBe('Timeout: timed out');
  });
});

describe('connector-exited (the watcher)', () => {
  const event = (streamId: string, taskId: string) => ({
    taskArn: `arn:aws:ecs:us-east-1:1:task/connectors/${taskId}`,
    lastStatus: 'STOPPED',
    group: `connector-${streamId}`,
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'connector', exitCode: 1, reason: 'ffmpeg exited with code 1, 3 restarts used' }],
  });

  it('clears a running connector whose task died and says why', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'running', task_id: 'dead', target: 'ivs' }), connector_execution: EXEC });

    expect(await connectorExited(event(item.id, 'dead'), deps())).toEqual({ cleared: true });

    const stored = await store().mustGet(item.id);
    expect(stored.connector).toBeNull();
    expect(stored.last_error).toMatchObject({
      action: 'ivs_start',
      message: 'connector stopped unexpectedly: Essential container in task exited; exit code 1: ffmpeg exited with code 1, 3 restarts used',
      execution_id: null,
    });
  });

  it('leaves a starting connector to its workflow', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'starting', task_id: 'dead' }), connector_execution: EXEC });

    expect(await connectorExited(event(item.id, 'dead'), deps())).toEqual({ cleared: false });
    expect((await store().mustGet(item.id)).connector?.state).toBe('starting');
  });

  it('clears a stopping connector once its task stopped (a stream stop does not wait for it), without an error', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping', task_id: 'asked' }), connector_execution: EXEC });

    expect(await connectorExited(event(item.id, 'asked'), deps())).toEqual({ cleared: true });
    const stored = await store().mustGet(item.id);
    expect(stored.connector).toBeNull();
    expect(stored.last_error).toBeNull();
  });

  it('ignores another task, another group, a task not yet stopped and a deleted stream', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'running', task_id: 'live' }), connector_execution: EXEC });

    expect(await connectorExited(event(item.id, 'old'), deps())).toEqual({ cleared: false });
    expect(await connectorExited({ ...event(item.id, 'live'), group: 'family:connector' }, deps())).toEqual({ cleared: false });
    expect(await connectorExited({ ...event(item.id, 'live'), lastStatus: 'RUNNING' }, deps())).toEqual({ cleared: false });
    expect(await connectorExited(event('0'.repeat(32), 'live'), deps())).toEqual({ cleared: false });
    expect((await store().mustGet(item.id)).connector?.state).toBe('running');
  });
});
