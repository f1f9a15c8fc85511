import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { requestToken } from '../../../core/domain/ids';
import { run as describeConnector } from '../../../tasks/describe-connector';
import { run as stopConnector } from '../../../tasks/stop-connector';
import { useStreamStore } from '../../fixtures/stream-store';
import { aStream, config, connector, NOW } from './connector-fixtures';

const ecs = mockClient(ECSClient);
const store = useStreamStore();
const deps = () => ({ store: store(), ecs: ecs as unknown as ECSClient, config, now: () => NOW });
const poll = { deadline_seconds: 600, initial_wait_seconds: 2, max_wait_seconds: 15, attempt: 0 };

beforeEach(() => { ecs.reset(); });

describe('describe-connector', () => {
  it.each([
    [{ lastStatus: 'PROVISIONING' }, 'PROVISIONING'],
    [{ lastStatus: 'RUNNING', healthStatus: 'UNKNOWN' }, 'RUNNING'],
    [{ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' }, 'READY'],
    [{ lastStatus: 'RUNNING', healthStatus: 'UNHEALTHY' }, 'UNHEALTHY'],
    [{ lastStatus: 'STOPPED' }, 'STOPPED'],
  ] as const)('reports %j as %s', async (task, status) => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });

    const out = await describeConnector({ task_id: 't1', poll, fail_if_stopped: false }, deps());

    expect(out.status).toBe(status);
    expect(out.attempt).toBe(1);
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: 'connectors', tasks: ['t1'], include: ['TAGS'] });
  });

  it('reports a task ECS does not (yet) know as MISSING, so a start keeps polling', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: 't1', reason: 'MISSING' }] });

    const out = await describeConnector({ task_id: 't1', poll, fail_if_stopped: true }, deps());

    expect(out.status).toBe('MISSING');
  });

  it('fails a start whose task stopped, naming why', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{ lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', containers: [{ name: 'connector', exitCode: 1 }] }],
    });

    await expect(describeConnector({ task_id: 't1', poll, fail_if_stopped: true }, deps())).rejects.toMatchObject({
      name: 'ConnectorStopped',
      message: 'connector task t1 stopped before it was ready: Essential container in task exited; connector exit code 1',
    });
  });

  it('says where the pixels come from: the local test pattern, else the page', async () => {
    ecs.on(DescribeTasksCommand).resolvesOnce({ tasks: [{ lastStatus: 'RUNNING', tags: [{ key: 'connector-source', value: 'test_pattern' }] }] }).resolves({ tasks: [{ lastStatus: 'RUNNING' }] });

    expect((await describeConnector({ task_id: 't1', poll, fail_if_stopped: false }, deps())).source).toBe('test_pattern');
    expect((await describeConnector({ task_id: 't1', poll, fail_if_stopped: false }, deps())).source).toBe('page');
  });
});

describe('stop-connector', () => {
  it('leaves a connector of another target alone when asked for one target (stop keeps an IVS connector)', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 'ivs-task', state: 'running', target: 'ivs' }), connector_execution: 'exec-9' });

    const out = await stopConnector({ stream_id: item.id, reason: 'the stream was stopped', target: 'medialive' }, deps());

    expect(out).toEqual({ task_id: null });
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect((await store().mustGet(item.id)).connector?.state).toBe('running');
  });

  it('stops the recorded task and any other the claiming execution started', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 'rec', state: 'stopping' }), connector_execution: 'exec-1' });
    ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:r:1:task/connectors/extra'] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: 'arn:aws:ecs:r:1:task/connectors/rec', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
        { taskArn: 'arn:aws:ecs:r:1:task/connectors/extra', lastStatus: 'PENDING', desiredStatus: 'RUNNING' },
      ],
    });
    ecs.on(StopTaskCommand).resolves({});

    const out = await stopConnector({ stream_id: item.id, reason: 'chime_stop requested' }, deps());

    expect(out).toEqual({ task_id: 'rec' });
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { startedBy: requestToken('exec-1', 'connector') });
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { tasks: ['rec', 'extra'] });
    expect(ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'connectors', task: 'arn:aws:ecs:r:1:task/connectors/rec', reason: 'chime_stop requested' });
  });

  it('marks a running connector stopping first (a stop by delete is no error for the watcher), a starting one not', async () => {
    const running = await aStream(store(), { connector: connector({ task_id: 'rec', state: 'running' }), connector_execution: 'exec-1' });
    const starting = await aStream(store(), { connector: connector({ task_id: 'rec2', state: 'starting' }), connector_execution: 'exec-2' });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [] });

    await stopConnector({ stream_id: running.id, reason: 'stream deleted' }, deps());
    await stopConnector({ stream_id: starting.id, reason: 'chime_start failed' }, deps());

    expect((await store().mustGet(running.id)).connector?.state).toBe('stopping');
    expect((await store().mustGet(starting.id)).connector?.state).toBe('starting');
  });

  it('acts only on the connector it was given: one that replaced it is neither marked stopping nor stopped (issue 9 item 1)', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 'new', state: 'running' }), connector_execution: 'exec-new' });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:r:1:task/connectors/new', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] });

    expect(await stopConnector({ stream_id: item.id, reason: 'chime_stop requested', connector_execution: 'exec-old' }, deps())).toEqual({ task_id: null });

    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { startedBy: requestToken('exec-old', 'connector') });
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect((await store().mustGet(item.id)).connector).toMatchObject({ state: 'running', task_id: 'new' });
  });

  it('leaves a task that is stopped or stopping alone', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 'rec', state: 'stopping' }), connector_execution: 'exec-1' });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn/rec', lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }] });

    expect(await stopConnector({ stream_id: item.id, reason: 'x' }, deps())).toEqual({ task_id: 'rec' });
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('has nothing to do without a connector, or for a stream that is gone', async () => {
    const item = await aStream(store());

    expect(await stopConnector({ stream_id: item.id, reason: 'x' }, deps())).toEqual({ task_id: null });
    expect(await stopConnector({ stream_id: '0'.repeat(32), reason: 'x' }, deps())).toEqual({ task_id: null });
    expect(ecs.calls()).toHaveLength(0);
  });

  it('has no task to wait for when the start never ran one', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: 'exec-1' });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });

    expect(await stopConnector({ stream_id: item.id, reason: 'x' }, deps())).toEqual({ task_id: null });
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });
});
