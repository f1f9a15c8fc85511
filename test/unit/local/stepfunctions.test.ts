import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'node:util';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Invalid } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalStepFunctions, RUNTIME_STOPPED, localStateMachineArn } from '../../../local/stepfunctions/service';
import { renderAction } from '../../../local/stepfunctions/rendered-workflows';
import { lambdaError, type TaskRunner } from '../../../local/stepfunctions/tasks';
import { STOP_STATES, stopWorkflow } from '../../../workflows/stop';
import { Input as DescribeChannelInput } from '../../../tasks/describe-channel';
import { Input as RecordFailureInput } from '../../../tasks/record-failure';
import { shaped } from '../../fixtures/shape';
import { z } from 'zod';

const STREAM = '0123456789abcdef0123456789abcdef';
const STOP = localStateMachineArn('stop');
const claimed = { stream_id: STREAM, state: 'stopping', channel_id: 'ch', input_id: 'in', package_channel_id: 'p', endpoint_id: 'e', segment_length: 300, version: 2, stop_reason: 'operator' };

type Handlers = Record<string, (input: unknown) => unknown>;
let dir: string;
let calls: { task: string; input: unknown }[];
let sfn: LocalStepFunctions;
let client: SFNClient;

function happy(): Handlers {
  return {
    'claim-stream': () => claimed,
    'stop-connector': () => ({ task_id: null }),
    'stop-channel': () => ({ requested: true }),
    'describe-channel': (input) => ({ ...DescribeChannelInput.parse(input).poll, status: 'IDLE', wait_seconds: 1, expired: false, attempt: 1 }),
    'cancel-guards': () => ({ cancelled: true }),
    'record-outcome': () => ({ stream_id: STREAM, state: 'idle' }),
    'record-failure': () => ({ stream_id: STREAM, message: 'x' }),
  };
}

function open(handlers: Handlers) {
  const runTask: TaskRunner = async (task, input) => {
    calls.push({ task, input });
    try {
      return await handlers[task](input);
    } catch (err) {
      throw lambdaError(err);
    }
  };
  sfn = new LocalStepFunctions({ workflows: [renderAction(stopWorkflow)], runTask, dir, waitOverrideMs: 0 });
  client = bindLocalService(new SFNClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), sfn.service);
}

async function runToEnd(name: string, input = { stream_id: STREAM }) {
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STOP, name, input: JSON.stringify(input) }));
  await sfn.whenFinished(executionArn!);
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

async function historyTypes(executionArn: string) {
  const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events!.map((e) => e.type);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sfn-'));
  calls = [];
});
afterEach(async () => {
  await sfn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('local Step Functions', () => {
  it('runs the rendered workflow with each Task state answered by its task, with the execution as context', async () => {
    open(happy());

    const done = await runToEnd('stop-run-1');

    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'stop-run-1', stateMachineArn: STOP });
    // The stop cancels the session's cost guards before it records the stop (issue 13).
    expect(calls.map((c) => c.task)).toEqual(['claim-stream', 'stop-connector', 'stop-channel', 'describe-channel', 'cancel-guards', 'record-outcome']);
    expect(calls[0].input).toMatchObject({
      stream_id: STREAM,
      action: 'stop',
      execution_name: 'stop-run-1',
      execution_id: `arn:aws:states:us-east-1:000000000000:execution:fmls-stop:stop-run-1`,
    });
  });

  it('records the history in the cloud event shape, task events included', async () => {
    open(happy());

    const done = await runToEnd('stop-history');
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn: done.executionArn }));

    expect(events!.slice(0, 6).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    expect(events![1].stateEnteredEventDetails!.name).toBe(STOP_STATES.claim);
    expect(events!.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(events!.map((e) => e.id)).toEqual(events!.map((_, i) => i + 1));
    // A Date, as the SDK deserializes it (the stand-in stores ISO strings). Checked by its internal
    // slot, not instanceof: the local binding copies outputs with structuredClone, which under jest
    // is the outer realm's and so makes the outer realm's Dates (https://github.com/jestjs/jest/issues/2549).
    expect(types.isDate(events![0].timestamp)).toBe(true);
  });

  it("retries and fails like the cloud: a task's error keeps its name, its cause is Lambda's JSON", async () => {
    let attempts = 0;
    open({
      ...happy(),
      'stop-channel': () => {
        attempts++;
        throw attempts === 1 ? Object.assign(new Error('busy'), { name: 'Conflict' }) : new Invalid('stopping MediaLive channel: BadRequest');
      },
    });

    const done = await runToEnd('stop-fails');
    const types = await historyTypes(done.executionArn!);
    const recorded = shaped(calls.find((c) => c.task === 'record-failure')?.input, RecordFailureInput, 'the record-failure input');

    expect(done).toMatchObject({ status: 'FAILED', error: 'Invalid' });
    expect(JSON.parse(done.cause!)).toEqual({ errorType: 'Invalid', errorMessage: 'stopping MediaLive channel: BadRequest', trace: [] });
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
    expect(recorded.failure.Error).toBe('Invalid');
    expect(z.object({ errorMessage: z.string() }).parse(JSON.parse(recorded.failure.Cause ?? '')).errorMessage).toBe('stopping MediaLive channel: BadRequest');
    expect(types.at(-1)).toBe('ExecutionFailed');
  });

  it('is idempotent by name: the same name and input while running is the same execution; otherwise it already exists', async () => {
    let release!: () => void;
    open({ ...happy(), 'stop-channel': () => new Promise((resolve) => (release = () => resolve({ requested: true }))) });
    const start = (input: object) => client.send(new StartExecutionCommand({ stateMachineArn: STOP, name: 'stop-same', input: JSON.stringify(input) }));

    const first = await start({ stream_id: STREAM });
    const repeat = await start({ stream_id: STREAM });
    const other = start({ stream_id: 'other' });
    await expect(other).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    while (!release) await new Promise((r) => setTimeout(r, 5));
    release();
    await sfn.whenFinished(first.executionArn!);
    const afterEnd = start({ stream_id: STREAM });

    expect(repeat).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    await expect(afterEnd).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('stops an execution with the given error and cause', async () => {
    open({ ...happy(), 'stop-channel': () => new Promise(() => undefined) });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STOP, name: 'stop-stopped', input: JSON.stringify({ stream_id: STREAM }) }));

    await client.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'changed my mind' }));
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));

    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'changed my mind' });
    expect(events![0]).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator', cause: 'changed my mind' } });
  });

  it('keeps executions and history across a restart; one that was running is aborted, naming its state', async () => {
    open(happy());
    const finished = await runToEnd('stop-before');
    await sfn.close();
    let release!: () => void;
    open({ ...happy(), 'stop-channel': () => new Promise((resolve) => (release = () => resolve({ requested: true }))) });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STOP, name: 'stop-crash', input: JSON.stringify({ stream_id: STREAM }) }));
    while (!release) await new Promise((r) => setTimeout(r, 5));
    const crashed = sfn;

    open(happy()); // a new process on the same data directory; the old one never shut down
    const before = await client.send(new DescribeExecutionCommand({ executionArn: finished.executionArn }));
    const aborted = await client.send(new DescribeExecutionCommand({ executionArn }));
    const types = await historyTypes(executionArn!);
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: STOP }));

    expect(before.status).toBe('SUCCEEDED');
    expect(aborted).toMatchObject({ status: 'ABORTED', error: RUNTIME_STOPPED });
    expect(aborted.cause).toContain(`in state '${STOP_STATES.stopChannel}'`);
    expect(types.slice(0, 2)).toEqual(['ExecutionStarted', 'TaskStateEntered']);
    expect(types.at(-1)).toBe('ExecutionAborted');
    expect(listed.executions!.map((e) => e.name)).toEqual(['stop-crash', 'stop-before']);
    release();
    await crashed.close();
  });

  it('pages executions and history', async () => {
    open(happy());
    for (const name of ['stop-a', 'stop-b', 'stop-c']) await runToEnd(name);

    const first = await client.send(new ListExecutionsCommand({ stateMachineArn: STOP, maxResults: 2 }));
    const second = await client.send(new ListExecutionsCommand({ stateMachineArn: STOP, maxResults: 2, nextToken: first.nextToken }));
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn: first.executions![0].executionArn, maxResults: 3 }));

    expect([...first.executions!, ...second.executions!].map((e) => e.name).sort()).toEqual(['stop-a', 'stop-b', 'stop-c']);
    expect(second.nextToken).toBeUndefined();
    expect(history.events).toHaveLength(3);
    expect(history.nextToken).toBeDefined();
  });

  it('rejects unknown state machines, bad names and unknown executions as the cloud does', async () => {
    open(happy());

    const unknownMachine = client.send(new StartExecutionCommand({ stateMachineArn: localStateMachineArn('nope'), input: '{}' }));
    const badName = client.send(new StartExecutionCommand({ stateMachineArn: STOP, name: 'has space', input: '{}' }));
    const badInput = client.send(new StartExecutionCommand({ stateMachineArn: STOP, input: '{' }));
    const unknownExecution = client.send(new DescribeExecutionCommand({ executionArn: `${STOP.replace('stateMachine', 'execution')}:nope` }));

    await expect(unknownMachine).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(badName).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(badInput).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(unknownExecution).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});
