import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { takeConnectorSlot, requestConnectorStop } from '../../core/aws/connector-slot';
import { requestToken } from '../../core/domain/ids';
import * as connectorSlot from '../../tasks/connector-slot';
import * as connectorExited from '../../tasks/connector-exited';
import * as describeConnector from '../../tasks/describe-connector';
import * as recordConnector from '../../tasks/record-connector';
import * as recordConnectorFailure from '../../tasks/record-connector-failure';
import * as stopConnector from '../../tasks/stop-connector';
import { chimeStopWorkflow, CHIME_STOP_STATES as S } from '../../workflows/chime-stop';
import { useStreamStore } from '../fixtures/stream-store';
import { aStream, config, connector, NOW } from '../unit/tasks/connector-fixtures';
import { EXECUTION_NAME, runWorkflow, type StateHandler } from './harness';

const ecs = mockClient(ECSClient);
const store = useStreamStore();
const deps = () => ({ store: store(), ecs: ecs as unknown as ECSClient, config, now: () => NOW });
const MEETING = 'https://meet.example.com/v2?m=a';
const OLD_START = 'chime_start-old-v1';
const NEW_START = 'ivs_start-new-v2';

/** A Task state answered by the task's real `run` on the real store, its input parsed as the handler parses it. */
function real<I>(task: { Input: { parse(input: unknown): I }; run(input: I, services: ReturnType<typeof deps>): unknown }): StateHandler {
  return (input) => task.run(task.Input.parse(input), deps());
}

beforeEach(() => { ecs.reset(); });

/**
 * Issue 9 item 1, deterministically: chime_stop's task stops; the watcher (`connector-exited`)
 * clears the stopping connector before the stop workflow's last step; an `ivs_start` takes the free
 * slot; then the stop workflow records its outcome. That last write must be conditional on the
 * connector the stop claimed, not clear "whatever connector is there now".
 */
describe('chime_stop racing the watcher and the next start (real tasks, real store)', () => {
  it('leaves the connector of a start that claimed the slot before the stop finished', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'running', task_id: 'old-task' }), connector_execution: OLD_START });
    await requestConnectorStop(store(), item.id, 'chime_stop');
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/connectors/old-task', lastStatus: 'STOPPED' }] });
    ecs.on(StopTaskCommand).resolves({});

    const describeThenInterleave: StateHandler = async (input) => {
      const out = await real(describeConnector)(input);
      // The task is STOPPED: EventBridge tells the watcher, and a new ivs_start claims the slot at once.
      await connectorExited.run(
        connectorExited.Input.parse({ taskArn: 'arn:aws:ecs:us-east-1:1:task/connectors/old-task', lastStatus: 'STOPPED', group: `connector-${item.id}` }),
        deps(),
      );
      await takeConnectorSlot(store(), item.id, { action: 'ivs_start', chimeUrl: MEETING, executionName: NEW_START, now: NOW });
      return out;
    };

    const run = await runWorkflow(chimeStopWorkflow, { stream_id: item.id }, {
      [S.slot]: real(connectorSlot),
      [S.stopTask]: real(stopConnector),
      [S.describe]: describeThenInterleave,
      [S.recordStopped]: real(recordConnector),
      [S.recordFailure]: real(recordConnectorFailure),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[S.slot][0]).toMatchObject({ execution_name: EXECUTION_NAME });
    const stored = await store().mustGet(item.id);
    expect(stored.connector).toMatchObject({ target: 'ivs', state: 'starting' });
    expect(stored.connector_execution).toBe(NEW_START);
  });

  it('does not stop, nor mark stopping, a connector that replaced the claimed one before StopTask', async () => {
    const item = await aStream(store(), { connector: connector({ state: 'running', task_id: 'old-task' }), connector_execution: OLD_START });
    await requestConnectorStop(store(), item.id, 'chime_stop');
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(ListTasksCommand, { startedBy: requestToken(NEW_START, 'connector') }).resolves({ taskArns: ['arn:aws:ecs:us-east-1:1:task/connectors/new-task'] });
    // The new task runs until someone stops it (then the stop's poll sees it STOPPED and ends).
    let stopped = false;
    ecs.on(DescribeTasksCommand).callsFake(() => ({
      tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/connectors/new-task', lastStatus: stopped ? 'STOPPED' : 'RUNNING' }],
    }));
    ecs.on(StopTaskCommand).callsFake(() => {
      stopped = true;
      return {};
    });

    const claimThenInterleave: StateHandler = async (input) => {
      const out = await real(connectorSlot)(input);
      // The old task died on its own right after the claim: the watcher clears it, a new start takes the slot.
      await store().mutate(item.id, () => ({ connector: null, connector_execution: null }));
      await takeConnectorSlot(store(), item.id, { action: 'chime_start', chimeUrl: MEETING, executionName: NEW_START, now: NOW });
      await store().mutate(item.id, (i) => ({ connector: { ...i.connector!, state: 'running', task_id: 'new-task' } }));
      return out;
    };

    const run = await runWorkflow(chimeStopWorkflow, { stream_id: item.id }, {
      [S.slot]: claimThenInterleave,
      [S.stopTask]: real(stopConnector),
      [S.describe]: real(describeConnector),
      [S.recordStopped]: real(recordConnector),
      [S.recordFailure]: real(recordConnectorFailure),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
    const stored = await store().mustGet(item.id);
    expect(stored.connector).toMatchObject({ state: 'running', task_id: 'new-task' });
    expect(stored.connector_execution).toBe(NEW_START);
  });
});
