import { describe, expect, it } from '@jest/globals';
import { CREATE_STATES, createWorkflow } from '../../workflows/create';
import { z } from 'zod';
import { callOf, callsOf, EXECUTION_NAME, expiredPoll, failing, failingThen, runWorkflow, statuses, type StateHandler } from './harness';
import { Input as RecordFailureInput } from '../../tasks/record-failure';

const STREAM = '0123456789abcdef0123456789abcdef';
const PACKAGE_CHANNEL = `fm-${STREAM}`;
const ENDPOINT = `fm-${STREAM}-hls`;
const claimed = { stream_id: STREAM, state: 'creating', channel_id: '', input_id: '', package_channel_id: '', endpoint_id: '', segment_length: 120, version: 1 };
const C = CREATE_STATES.cleanup;

function happyHandlers(): Record<string, StateHandler> {
  return {
    [CREATE_STATES.claim]: () => claimed,
    [CREATE_STATES.createInput]: () => ({ input_id: 'in-1' }),
    [CREATE_STATES.createPackageChannel]: () => ({ package_channel_id: PACKAGE_CHANNEL }),
    [CREATE_STATES.createEndpoint]: () => ({ endpoint_id: ENDPOINT }),
    [CREATE_STATES.createChannel]: () => ({ channel_id: 'ch-1' }),
    [CREATE_STATES.describe]: statuses('CREATING', 'CREATING', 'IDLE'),
    [CREATE_STATES.recordCreated]: () => ({ stream_id: STREAM, state: 'idle' }),
    [C.deleteChannel]: () => ({ requested: true }),
    [C.describeChannel]: statuses('DELETING', 'DELETED'),
    [C.deleteEndpoint]: () => ({ deleted: true }),
    [C.deletePackageChannel]: () => ({ deleted: true }),
    [C.deleteInput]: () => ({ requested: true }),
    [CREATE_STATES.recordFailure]: () => ({}),
  };
}

const create = (handlers: Record<string, StateHandler>) => runWorkflow(createWorkflow, { stream_id: STREAM }, handlers);

/** The error the execution failed with (its Fail state's `Error`). */
function failedWith(run: Awaited<ReturnType<typeof create>>): string | undefined {
  const failed = run.events.find((e) => e.type === 'ExecutionFailed') as { Error?: string } | undefined;
  return failed?.Error;
}

/** The cleanup deletes that ran, with the id each was given, in order. */
function deletesRun(run: Awaited<ReturnType<typeof create>>): [string, string][] {
  const deletes: [string, string][] = [];
  for (const [state, key] of [
    [C.deleteChannel, 'channel_id'],
    [C.deleteEndpoint, 'endpoint_id'],
    [C.deletePackageChannel, 'package_channel_id'],
    [C.deleteInput, 'input_id'],
  ] as const) {
    for (const call of callsOf(run, state, z.object({ [key]: z.string() }))) deletes.push([state, call[key]]);
  }
  return deletes;
}

describe('create workflow', () => {
  it('makes input, MediaPackage channel, endpoint and channel in order, waits for IDLE and records idle', async () => {
    // Prepare
    const handlers = happyHandlers();

    // Act
    const run = await create(handlers);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[CREATE_STATES.claim][0]).toMatchObject({ stream_id: STREAM, action: 'create', execution_name: EXECUTION_NAME });
    expect(run.calls[CREATE_STATES.createInput][0]).toEqual({ stream_id: STREAM, execution_name: EXECUTION_NAME });
    expect(run.calls[CREATE_STATES.createPackageChannel][0]).toEqual({ stream_id: STREAM, package_channel_id: PACKAGE_CHANNEL });
    expect(run.calls[CREATE_STATES.createEndpoint][0]).toEqual({
      stream_id: STREAM,
      package_channel_id: PACKAGE_CHANNEL,
      endpoint_id: ENDPOINT,
    });
    expect(run.calls[CREATE_STATES.createChannel][0]).toEqual({
      stream_id: STREAM,
      execution_name: EXECUTION_NAME,
      input_id: 'in-1',
      package_channel_id: PACKAGE_CHANNEL,
      segment_length: 120,
    });
    expect(run.calls[CREATE_STATES.describe]).toHaveLength(3);
    expect(run.calls[CREATE_STATES.describe][0]).toMatchObject({ channel_id: 'ch-1', poll: { deadline_seconds: 600 } });
    expect(run.calls[CREATE_STATES.recordCreated][0]).toEqual({ stream_id: STREAM, state: 'idle', execution_name: EXECUTION_NAME });
    expect(run.entered.filter((s) => s.startsWith('Clean up'))).toEqual([]);
    expect(run.entered).not.toContain(CREATE_STATES.recordFailure);
    expect(run.entered.at(-1)).toBe(CREATE_STATES.done);
  });

  it.each([
    [CREATE_STATES.createInput, 'Throttled', { input_id: 'in-1' }],
    [CREATE_STATES.createPackageChannel, 'Transient', { package_channel_id: PACKAGE_CHANNEL }],
    [CREATE_STATES.createEndpoint, 'Lambda.ServiceException', { endpoint_id: ENDPOINT }],
    // A transient Lambda service error (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
    [CREATE_STATES.createEndpoint, 'Lambda.ClientExecutionTimeoutException', { endpoint_id: ENDPOINT }],
    [CREATE_STATES.createChannel, 'Conflict', { channel_id: 'ch-1' }],
    [CREATE_STATES.recordCreated, 'Transient', { stream_id: STREAM, state: 'idle' }],
  ])('retries %s after %s, then carries on', async (state, error, value) => {
    const run = await create({ ...happyHandlers(), [state]: failingThen(2, error, value) });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[state]).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
    expect(run.entered).not.toContain(CREATE_STATES.recordFailure);
  });

  it('gives up on a retryable error after six retries and compensates', async () => {
    const run = await create({ ...happyHandlers(), [CREATE_STATES.createChannel]: failing('Throttled') });

    expect(run.status).toBe('FAILED');
    expect(run.calls[CREATE_STATES.createChannel]).toHaveLength(7);
    expect(deletesRun(run).map(([state]) => state)).toEqual([C.deleteEndpoint, C.deletePackageChannel, C.deleteInput]);
  });

  it('changes nothing and says why when the stream is not being created', async () => {
    const run = await create({ ...happyHandlers(), [CREATE_STATES.claim]: failing('StreamStateConflict', "cannot create a stream in state 'idle'") });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({ skipped: true, reason: "cannot create a stream in state 'idle'" });
    expect(run.entered).not.toContain(CREATE_STATES.createInput);
    expect(run.entered).not.toContain(CREATE_STATES.recordFailure);
  });

  // Which deletes a failure at each step runs: exactly what may exist by then, in teardown order.
  const all = (channel: boolean): [string, string][] => [
    ...(channel ? ([[C.deleteChannel, 'ch-1']] as [string, string][]) : []),
    [C.deleteEndpoint, ENDPOINT],
    [C.deletePackageChannel, PACKAGE_CHANNEL],
    [C.deleteInput, 'in-1'],
  ];
  it.each<[string, string, [string, string][]]>([
    ['the claim', CREATE_STATES.claim, []],
    ['creating the input', CREATE_STATES.createInput, []],
    ['creating the MediaPackage channel', CREATE_STATES.createPackageChannel, [[C.deletePackageChannel, PACKAGE_CHANNEL], [C.deleteInput, 'in-1']]],
    ['creating the HLS endpoint', CREATE_STATES.createEndpoint, all(false)],
    ['creating the MediaLive channel', CREATE_STATES.createChannel, all(false)],
    ['describing the channel', CREATE_STATES.describe, all(true)],
    ['recording the stream idle', CREATE_STATES.recordCreated, all(true)],
  ])('a failure at %s deletes exactly what was made, then records failed', async (_what, state, expected) => {
    // Prepare
    const handlers = { ...happyHandlers(), [state]: failing('Invalid', `${state}: BadRequestException`) };

    // Act
    const run = await create(handlers);

    // Assess
    expect(run.status).toBe('FAILED');
    expect(failedWith(run)).toBe('Invalid');
    expect(deletesRun(run)).toEqual(expected);
    expect(run.calls[CREATE_STATES.recordFailure]).toHaveLength(1);
    expect(callOf(run, CREATE_STATES.recordFailure, RecordFailureInput)).toMatchObject({
      stream_id: STREAM,
      action: 'create',
      state: 'failed',
      execution_name: EXECUTION_NAME,
      failure: { Error: 'Invalid', Cause: `${state}: BadRequestException` },
      cleanup: {},
    });
    expect(run.entered.at(-1)).toBe(CREATE_STATES.failed);
  });

  it('waits until a deleted channel is gone before deleting the rest', async () => {
    const run = await create({ ...happyHandlers(), [CREATE_STATES.recordCreated]: failing('Invalid') });

    expect(run.calls[C.describeChannel]).toHaveLength(2);
    expect(run.calls[C.describeChannel][0]).toMatchObject({ channel_id: 'ch-1' });
    const order = run.entered.filter((s) => [C.deleteChannel, C.describeChannel, C.deleteEndpoint].includes(s as never));
    expect(order).toEqual([C.deleteChannel, C.describeChannel, C.describeChannel, C.deleteEndpoint]);
  });

  it('compensates a channel that can never become IDLE at once', async () => {
    const run = await create({ ...happyHandlers(), [CREATE_STATES.describe]: statuses('CREATING', 'CREATE_FAILED') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(CREATE_STATES.channelFailed);
    expect(deletesRun(run)).toEqual(all(true));
    expect(callOf(run, CREATE_STATES.recordFailure, RecordFailureInput)).toMatchObject({
      failure: { Error: 'Failed', Cause: 'gave up waiting for channel IDLE: status CREATE_FAILED' },
    });
  });

  it('gives up on IDLE at the deadline, naming what it waited for, and compensates', async () => {
    const run = await create({ ...happyHandlers(), [CREATE_STATES.describe]: expiredPoll('CREATING') });

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(CREATE_STATES.poll.timedOut);
    expect(deletesRun(run)).toEqual(all(true));
    expect(callOf(run, CREATE_STATES.recordFailure, RecordFailureInput)).toMatchObject({
      failure: { Error: 'Timeout', Cause: 'timed out after 600 s waiting for channel IDLE; last status CREATING' },
    });
  });

  it('goes on deleting when a cleanup step fails, and records that failure beside the original', async () => {
    const run = await create({
      ...happyHandlers(),
      [CREATE_STATES.recordCreated]: failing('Invalid', 'the original failure'),
      [C.deleteChannel]: failing('Invalid', 'deleting MediaLive channel ch-1: BadRequestException'),
      [C.deletePackageChannel]: failing('Invalid', 'deleting MediaPackage channel: UnprocessableEntityException'),
    });

    expect(run.status).toBe('FAILED');
    expect(deletesRun(run).map(([state]) => state)).toEqual([C.deleteChannel, C.deleteEndpoint, C.deletePackageChannel, C.deleteInput]);
    expect(run.entered).not.toContain(C.describeChannel);
    const recorded = callOf(run, CREATE_STATES.recordFailure, RecordFailureInput);
    expect(recorded.failure).toEqual({ Error: 'Invalid', Cause: 'the original failure' });
    expect(Object.keys(recorded.cleanup ?? {}).sort()).toEqual(['channel', 'packageChannel']);
    expect(recorded.cleanup?.channel).toMatchObject({ Error: 'Invalid', Cause: 'deleting MediaLive channel ch-1: BadRequestException' });
    expect(failedWith(run)).toBe('Invalid');
  });

  it('retries a cleanup delete refused while the input is still attached, and records it if it never detaches', async () => {
    const run = await create({
      ...happyHandlers(),
      [CREATE_STATES.recordCreated]: failing('Invalid'),
      [C.deleteInput]: failing('Conflict', 'MediaLive input in-1 is ATTACHED'),
    });

    expect(run.calls[C.deleteInput]).toHaveLength(7);
    expect(callOf(run, CREATE_STATES.recordFailure, RecordFailureInput).cleanup?.input).toMatchObject({ Error: 'Conflict' });
  });

  it('records a channel that is not gone by the cleanup deadline, and still deletes the rest', async () => {
    const run = await create({
      ...happyHandlers(),
      [CREATE_STATES.recordCreated]: failing('Invalid', 'the original failure'),
      [C.describeChannel]: expiredPoll('DELETING'),
    });

    expect(run.entered).toContain(C.poll.timedOut);
    expect(deletesRun(run).map(([state]) => state)).toEqual([C.deleteChannel, C.deleteEndpoint, C.deletePackageChannel, C.deleteInput]);
    const recorded = callOf(run, CREATE_STATES.recordFailure, RecordFailureInput);
    expect(recorded.failure).toEqual({ Error: 'Invalid', Cause: 'the original failure' });
    expect(recorded.cleanup?.channel).toEqual({
      Error: 'Timeout',
      Cause: 'timed out after 600 s waiting for channel DELETED; last status DELETING',
    });
  });

  it('keeps stream keys out of the execution state: only ids travel between steps', async () => {
    const run = await create(happyHandlers());

    expect(run.output).toMatchObject({ made: { input: { input_id: 'in-1' }, channel: { channel_id: 'ch-1' } } });
    expect(JSON.stringify(run.events)).not.toMatch(/rtmp/i);
  });
});
