import { ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Invalid, StreamStateConflict, Transient } from '../../../core/domain/errors';
import { requestToken } from '../../../core/domain/ids';
import { run as writeSlot } from '../../../tasks/connector-slot';
import { run as runConnector } from '../../../tasks/run-connector';
import { useStreamStore } from '../../fixtures/stream-store';
import { aStream, config, connector, NOW, RTMP_IVS } from './connector-fixtures';

const ecs = mockClient(ECSClient);
const store = useStreamStore();
const deps = () => ({ store: store(), ecs: ecs as unknown as ECSClient, config, now: () => NOW });
const ARN = 'arn:aws:ecs:us-east-1:1:task/connectors/0f0f';

beforeEach(() => { ecs.reset(); });

describe('connector-slot', () => {
  it('claims the slot for a start, tracks the execution, and returns no secret', async () => {
    const item = await aStream(store());

    const out = await writeSlot(
      { stream_id: item.id, action: 'chime_start', execution_name: 'chime_start-x-v1', execution_id: 'arn:exec:1', chime_url: 'https://meet.example.com/v2?m=a' },
      deps(),
    );

    expect(out).toEqual({ stream_id: item.id, target: 'medialive', state: 'starting', connector_execution: 'chime_start-x-v1' });
    const stored = await store().mustGet(item.id);
    expect(stored.connector?.chime_url).toBe('https://meet.example.com/v2?m=a&broadcast=true');
    expect(stored.execution_arns).toContain('arn:exec:1');
  });

  it('needs a chime_url to start', async () => {
    const item = await aStream(store());
    await expect(writeSlot({ stream_id: item.id, action: 'ivs_start', execution_name: 'e', execution_id: 'x' }, deps())).rejects.toBeInstanceOf(Invalid);
  });

  it('marks a stop', async () => {
    const item = await aStream(store(), { connector: connector({ target: 'ivs', state: 'running' }) });

    const out = await writeSlot({ stream_id: item.id, action: 'ivs_stop', execution_name: 'e', execution_id: 'x' }, deps());

    expect(out.state).toBe('stopping');
  });

  it('refuses a start on a stream whose rules forbid it', async () => {
    const item = await aStream(store(), { state: 'idle' });
    await expect(
      writeSlot({ stream_id: item.id, action: 'chime_start', execution_name: 'e', execution_id: 'x', chime_url: 'https://m.example/' }, deps()),
    ).rejects.toBeInstanceOf(StreamStateConflict);
  });
});

describe('run-connector', () => {
  const EXEC = 'chime_start-abc-v4';

  it('runs one Fargate task toward rtmp1, idempotently, and returns only the task id', async () => {
    const item = await aStream(store(), { connector: connector(), connector_execution: EXEC });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: ARN }] });

    const out = await runConnector({ stream_id: item.id, execution_name: EXEC }, deps());

    expect(out).toEqual({ task_id: '0f0f' });
    expect(JSON.stringify(out)).not.toContain('secret');
    const token = requestToken(EXEC, 'connector');
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { cluster: 'connectors', startedBy: token });
    expect(ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: 'connectors',
      taskDefinition: 'connector:3',
      launchType: 'FARGATE',
      startedBy: token,
      clientToken: token,
      group: `connector-${item.id}`,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' } },
    });
    // Ids only: the container reads its target from the record (connector/fetch-target.sh).
    const env = ecs.commandCalls(RunTaskCommand)[0].args[0].input.overrides!.containerOverrides![0].environment!;
    expect(env).toEqual([
      { name: 'STREAM_ID', value: item.id },
      { name: 'CONNECTOR_EXECUTION', value: EXEC },
      { name: 'RESOLUTION', value: '1080p' },
    ]);
    expect((await store().mustGet(item.id)).connector?.task_id).toBe('0f0f');
  });

  it('puts no stream key, nor the meeting URL, anywhere in RunTask (DescribeTasks, ECS events and CloudTrail show it: issue 10 item 7)', async () => {
    const item = await aStream(store(), { connector: connector({ target: 'ivs' }), connector_execution: EXEC, rtmp_ivs: RTMP_IVS });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: ARN }] });

    await runConnector({ stream_id: item.id, execution_name: EXEC }, deps());

    const sent = JSON.stringify(ecs.commandCalls(RunTaskCommand)[0].args[0].input);
    for (const secret of ['sk_us-east-1_SECRET', RTMP_IVS, 'secret-key-1', 'meet.example.com']) expect(sent).not.toContain(secret);
  });

  it('adopts the task a previous attempt started instead of running a second', async () => {
    const item = await aStream(store(), { connector: connector(), connector_execution: EXEC });
    ecs.on(ListTasksCommand).resolves({ taskArns: [ARN] });

    expect(await runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).toEqual({ task_id: '0f0f' });
    expect(ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('returns the recorded task without calling ECS', async () => {
    const item = await aStream(store(), { connector: connector({ task_id: 'abc' }), connector_execution: EXEC });

    expect(await runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).toEqual({ task_id: 'abc' });
    expect(ecs.calls()).toHaveLength(0);
  });

  it('stands down when a stop was requested before it ran', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    await expect(runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).rejects.toThrow(/a stop was requested/);
    expect(ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('stops the task it just started when a stop claimed the connector meanwhile', async () => {
    const item = await aStream(store(), { connector: connector(), connector_execution: EXEC });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).callsFake(async () => {
      await store().mutate(item.id, (i) => ({ connector: { ...i.connector!, state: 'stopping' } }));
      return { tasks: [{ taskArn: ARN }] };
    });
    ecs.on(StopTaskCommand).resolves({});

    await expect(runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).rejects.toBeInstanceOf(StreamStateConflict);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'connectors', task: ARN });
    expect((await store().mustGet(item.id)).connector?.task_id).toBeNull();
  });

  it('retries a Fargate capacity shortage, fails a refused task for good', async () => {
    const item = await aStream(store(), { connector: connector(), connector_execution: EXEC });
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).resolvesOnce({ failures: [{ reason: 'Capacity is unavailable at this time' }] }).resolves({ failures: [{ reason: 'MISSING' }] });

    await expect(runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).rejects.toBeInstanceOf(Transient);
    await expect(runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).rejects.toBeInstanceOf(Invalid);
  });

  it('needs something to push to', async () => {
    const item = await aStream(store(), { connector: connector({ target: 'ivs' }), connector_execution: EXEC });
    await expect(runConnector({ stream_id: item.id, execution_name: EXEC }, deps())).rejects.toThrow(/no IVS ingest/);
  });
});
