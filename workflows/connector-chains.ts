import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, Errors, JsonPath, Succeed, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { ConnectorStartAction, ConnectorStopAction } from '../core/domain/connector';
import { catchInto, failWithCaughtError, invoke, pollLoop, pollStateNames, skipOnStreamStateConflict } from './steps';

/**
 * The chains that `chime_start`/`ivs_start` and `chime_stop`/`ivs_stop` share: they differ only in
 * the connector's target (and `ivs_start`'s channel step), so the chain is built here once.
 */
export const CONNECTOR_START_TASKS = [
  'connector-slot',
  'run-connector',
  'describe-connector',
  'stop-connector',
  'record-connector',
  'record-connector-failure',
] as const;
export const CONNECTOR_STOP_TASKS = [
  'connector-slot',
  'stop-connector',
  'describe-connector',
  'record-connector',
  'record-connector-failure',
] as const;
type StartTask = (typeof CONNECTOR_START_TASKS)[number];
type StopTask = (typeof CONNECTOR_STOP_TASKS)[number];

/** Fargate pulls a ~1 GB image and boots Chromium in 1–3 min; ten minutes is the worst case the system this one replaces saw. */
export const CONNECTOR_READY_DEADLINE_SECONDS = 600;
/** ECS sends SIGTERM, waits at most the task's stop timeout (30 s), then deprovisions: well under five minutes. */
export const CONNECTOR_STOPPED_DEADLINE_SECONDS = 300;

export function connectorStartStates(action: ConnectorStartAction) {
  return {
    slot: `Take connector slot for ${action}`,
    run: 'Run connector task',
    describe: 'Describe connector task (starting)',
    poll: pollStateNames('connector READY'),
    recordRunning: 'Record connector running',
    stopAfterFailure: 'Stop connector task after failure',
    recordFailure: `Record ${action} failure`,
    failed: `${action} failed`,
    notAllowed: 'Skip: connector not allowed',
    standDown: 'Skip: connector stop requested',
    done: 'Connector running',
  } as const;
}

export function connectorStopStates(action: ConnectorStopAction) {
  return {
    slot: `Mark connector stopping for ${action}`,
    stopTask: 'Stop connector task',
    hasTask: 'Is there a connector task?',
    describe: 'Describe connector task (stopping)',
    poll: pollStateNames('connector STOPPED'),
    recordStopped: 'Record connector stopped',
    recordFailure: `Record ${action} failure`,
    failed: `${action} failed`,
    noConnector: 'Skip: no connector to stop',
    done: 'Connector stopped',
  } as const;
}

interface ConnectorSlotOptions {
  /** The connector action writing the slot (see `tasks/connector-slot.ts`). */
  readonly action: ConnectorStartAction | ConnectorStopAction;
  /** The `connector-slot` task function. */
  readonly fn: IFunction;
  /**
   * Hand the slot's step the execution input's `chime_url` (a start names the meeting to open).
   * @default false
   */
  readonly withChimeUrl?: boolean;
}

function connectorSlotStep(scope: Construct, stateName: string, options: ConnectorSlotOptions): LambdaInvoke {
  return invoke(scope, stateName, options.fn, {
    payload: {
      'stream_id.$': '$.stream_id',
      action: options.action,
      'execution_name.$': '$$.Execution.Name',
      'execution_id.$': '$$.Execution.Id',
      ...(options.withChimeUrl ? { 'chime_url.$': '$.chime_url' } : {}),
    },
    resultPath: '$.slot',
    timeout: Duration.seconds(30),
  });
}

export interface ConnectorStartOptions {
  /** The start action; it names the slot and failure states. */
  readonly action: ConnectorStartAction;
  /** The task functions the chain invokes. */
  readonly functions: Readonly<Record<StartTask, IFunction>>;
  /**
   * A step between the slot and the connector task (`ivs_start`'s IVS channel), its failure
   * compensated as the task's is.
   * @default - none: the task runs right after the slot is taken
   */
  readonly prepare?: LambdaInvoke;
}

export interface ConnectorStopOptions {
  /** The stop action; it names the slot and failure states. */
  readonly action: ConnectorStopAction;
  /** The task functions the chain invokes. */
  readonly functions: Readonly<Record<StopTask, IFunction>>;
}

/**
 * start: take the connector slot → [prepare, e.g. the IVS channel] → run the task → poll until
 * READY (frames flowing), 10-minute deadline → record running. Any failure, the deadline included,
 * stops the task, frees the slot and records `last_error`. A stop requested meanwhile ends the
 * start quietly: the stop's workflow owns the connector then.
 */
export function buildConnectorStart(scope: Construct, options: ConnectorStartOptions): IChainable {
  const { action, functions: fn, prepare } = options;
  const names = connectorStartStates(action);
  const slot = connectorSlotStep(scope, names.slot, { action, fn: fn['connector-slot'], withChimeUrl: true });
  const runTask = invoke(scope, names.run, fn['run-connector'], {
    payload: { 'stream_id.$': '$.stream_id', 'execution_name.$': '$$.Execution.Name' },
    resultPath: '$.connector',
  });
  const describe = invoke(scope, names.describe, fn['describe-connector'], {
    payload: { 'task_id.$': '$.connector.task_id', 'poll.$': '$.poll', fail_if_stopped: true },
    resultPath: '$.poll',
  });
  const recordRunning = invoke(scope, names.recordRunning, fn['record-connector'], {
    payload: { outcome: 'running', 'stream_id.$': '$.stream_id', 'execution_name.$': '$$.Execution.Name', 'source.$': '$.poll.source' },
    resultPath: JsonPath.DISCARD,
  });

  const stopAfterFailure = invoke(scope, names.stopAfterFailure, fn['stop-connector'], {
    payload: { 'stream_id.$': '$.stream_id', reason: `${action} failed`, 'connector_execution.$': '$$.Execution.Name' },
    resultPath: JsonPath.DISCARD,
  });
  const recordFailure = invoke(scope, names.recordFailure, fn['record-connector-failure'], {
    payload: {
      'stream_id.$': '$.stream_id',
      action,
      'execution_id.$': '$$.Execution.Id',
      'failure.$': '$.failure',
      'release_for.$': '$$.Execution.Name',
    },
    resultPath: JsonPath.DISCARD,
    timeout: Duration.seconds(30),
  });
  const fail = failWithCaughtError(scope, names.failed);
  // A stop that fails too must not hide the first failure: record it and fail all the same.
  stopAfterFailure.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.stop_failure' });
  const onFailure = stopAfterFailure.next(recordFailure.next(fail));

  skipOnStreamStateConflict(scope, slot, names.notAllowed);
  skipOnStreamStateConflict(scope, runTask, names.standDown);
  catchInto([...(prepare ? [prepare] : []), runTask, describe, recordRunning], onFailure);
  recordRunning.next(new Succeed(scope, names.done, { stateName: names.done }));

  const poll = pollLoop(scope, {
    waitingFor: 'connector READY',
    describe,
    done: ['READY'],
    failed: ['UNHEALTHY'],
    next: recordRunning,
    onFailure,
    deadlineSeconds: CONNECTOR_READY_DEADLINE_SECONDS,
    initialWaitSeconds: 2,
    maxWaitSeconds: 10,
  });
  const afterSlot = prepare ? prepare.next(runTask) : runTask;
  slot.next(afterSlot);
  runTask.next(poll);
  return slot;
}

/**
 * stop: mark the connector `stopping` → stop its task → poll until STOPPED (5-minute deadline) →
 * clear the connector, if the slot still holds the one this stop marked (the watcher may have cleared it
 * once its task stopped, and the next start taken the slot). No connector of this target: nothing changes and the output says why.
 * A failure records `last_error` and leaves the connector `stopping`, so the stop can be retried.
 */
export function buildConnectorStop(scope: Construct, options: ConnectorStopOptions): IChainable {
  const { action, functions: fn } = options;
  const names = connectorStopStates(action);
  const slot = connectorSlotStep(scope, names.slot, { action, fn: fn['connector-slot'] });
  const stopTask = invoke(scope, names.stopTask, fn['stop-connector'], {
    // Every step after the slot's write acts on the connector it marked, never on whatever the slot holds then.
    payload: { 'stream_id.$': '$.stream_id', reason: `${action} requested`, 'connector_execution.$': '$.slot.connector_execution' },
    resultPath: '$.connector',
  });
  const describe = invoke(scope, names.describe, fn['describe-connector'], {
    payload: { 'task_id.$': '$.connector.task_id', 'poll.$': '$.poll' },
    resultPath: '$.poll',
  });
  const recordStopped = invoke(scope, names.recordStopped, fn['record-connector'], {
    payload: { outcome: 'stopped', 'stream_id.$': '$.stream_id', 'connector_execution.$': '$.slot.connector_execution' },
    resultPath: JsonPath.DISCARD,
  });
  const recordFailure = invoke(scope, names.recordFailure, fn['record-connector-failure'], {
    payload: { 'stream_id.$': '$.stream_id', action, 'execution_id.$': '$$.Execution.Id', 'failure.$': '$.failure' },
    resultPath: JsonPath.DISCARD,
    timeout: Duration.seconds(30),
  });
  const onFailure = recordFailure.next(failWithCaughtError(scope, names.failed));

  skipOnStreamStateConflict(scope, slot, names.noConnector);
  catchInto([stopTask, describe, recordStopped], onFailure);
  recordStopped.next(new Succeed(scope, names.done, { stateName: names.done }));

  const poll = pollLoop(scope, {
    waitingFor: 'connector STOPPED',
    describe,
    done: ['STOPPED', 'MISSING'],
    next: recordStopped,
    onFailure,
    deadlineSeconds: CONNECTOR_STOPPED_DEADLINE_SECONDS,
    initialWaitSeconds: 2,
    maxWaitSeconds: 10,
  });
  const hasTask = new Choice(scope, names.hasTask, { stateName: names.hasTask })
    .when(Condition.isString('$.connector.task_id'), poll)
    .otherwise(recordStopped);
  return slot.next(stopTask).next(hasTask);
}
