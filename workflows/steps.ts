import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  JitterType,
  JsonPath,
  Pass,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type CatchProps,
  type IChainable,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Action } from '../core/domain/actions';
import { ErrorNames, RETRYABLE_ERRORS } from '../core/domain/errors';
import type { StreamState } from '../core/domain/record';

/**
 * Lambda's own failures that a retry can cure (the service, not our code): the transient service
 * errors Step Functions names (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html)
 * and Lambda's invocation throttle.
 */
const LAMBDA_RETRYABLE = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

export interface InvokeOptions {
  /**
   * The task's input.
   * @default - the whole state input
   */
  readonly payload?: Record<string, unknown>;
  /**
   * Where the task's result goes.
   * @default '$' (the result replaces the state)
   */
  readonly resultPath?: string;
  /**
   * What of the state (after `resultPath`) goes on.
   * @default '$'
   */
  readonly outputPath?: string;
  /**
   * The Task state's `TimeoutSeconds`.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

/**
 * A Task state that invokes one task Lambda the project's way: the function's return value as the
 * result (`payloadResponseOnly`), Lambda service errors and our retryable named errors retried with
 * exponential backoff and full jitter (capped), everything else left to the caller's `addCatch`.
 */
export function invoke(scope: Construct, stateName: string, fn: IFunction, options: InvokeOptions = {}): LambdaInvoke {
  const task = new LambdaInvoke(scope, stateName, {
    stateName,
    lambdaFunction: fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: options.payload ? TaskInput.fromObject(options.payload) : undefined,
    resultPath: options.resultPath,
    outputPath: options.outputPath,
    taskTimeout: Timeout.duration(options.timeout ?? Duration.seconds(60)),
  });
  task.addRetry({
    errors: LAMBDA_RETRYABLE,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: JitterType.FULL,
  });
  task.addRetry({
    errors: [...RETRYABLE_ERRORS],
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: JitterType.FULL,
  });
  return task;
}

export interface PollLoopOptions {
  /** Names the thing awaited, e.g. `Channel RUNNING`: the states read `Wait for Channel RUNNING`, … */
  readonly waitingFor: string;
  /** The Describe task: reads `$.poll`, returns the next poll state (see `core/domain/poll.ts`) into `$.poll`. */
  readonly describe: LambdaInvoke;
  /** Statuses that end the wait successfully. */
  readonly done: readonly string[];
  /**
   * Statuses that can never reach `done`: the loop ends in `onFailure` at once.
   * @default - none: only the deadline ends the wait short of `done`
   */
  readonly failed?: readonly string[];
  /** Where the loop goes when `done`. */
  readonly next: IChainable;
  /** Where a deadline or a failed status goes (usually a compensation chain ending in a Fail). */
  readonly onFailure: IChainable;
  /**
   * Where the deadline or failed status is recorded. A poll inside a compensation chain records
   * elsewhere, so the failure that started the compensation survives.
   * @default '$.failure'
   */
  readonly failurePath?: string;
  /** Seconds from the first Describe before the loop gives up (the Describe task computes the deadline). */
  readonly deadlineSeconds: number;
  /**
   * Seconds of the first wait; each later wait doubles, up to `maxWaitSeconds` (see `core/domain/poll.ts`).
   * @default 2
   */
  readonly initialWaitSeconds?: number;
  /**
   * The longest wait between two Describes, in seconds.
   * @default 15
   */
  readonly maxWaitSeconds?: number;
  /**
   * For a change that takes a known while: the Wait after the first Describe (then the backoff
   * from `initialWaitSeconds`); see `core/domain/poll.ts`.
   * @default - the backoff from the first Describe on
   */
  readonly firstWaitSeconds?: number;
  /**
   * How long one Describe keeps looking, every {@link watchEverySeconds}, until it sees a `done`
   * or `failed` status: one Wait → Describe → Choice round (3 state transitions) then covers this
   * many seconds at that lag. Keep it well under the Describe Lambda's timeout (`taskTimeoutSeconds`, 40–55 s).
   * @default 0 (one look per Describe)
   */
  readonly watchSeconds?: number;
  /**
   * Seconds between two looks of a watching Describe.
   * @default 3
   */
  readonly watchEverySeconds?: number;
}

/**
 * How the channel poll loops watch (the Describe task is `tasks/describe-channel.ts`): each
 * Describe looks every 2 s until 30 s have passed, so a change that takes seconds (create, stop,
 * delete) is seen by the first Describe, a 3 state-transition round covers half a minute, and a
 * Describe lasts at most 32 s and its calls, inside its Lambda's timeout (`taskTimeoutSeconds`,
 * at least 40 s, default 50).
 */
export const CHANNEL_WATCH = { watchSeconds: 30, watchEverySeconds: 2 } as const;

/** State names of a poll loop, derived from what it waits for, so tests and the console agree. */
export function pollStateNames(waitingFor: string) {
  return {
    init: `Begin waiting for ${waitingFor}`,
    wait: `Wait for ${waitingFor}`,
    check: `Is ${waitingFor}?`,
    timedOut: `Timed out waiting for ${waitingFor}`,
  };
}

/**
 * Begin → Describe → Choice → (Wait → Describe)*, with backoff and a deadline computed by the
 * Describe task. The deadline (and a failed status) record `$.failure = {error, cause}` and go to
 * `onFailure`, so compensation knows what it was waiting for.
 */
export function pollLoop(scope: Construct, options: PollLoopOptions): State {
  const names = pollStateNames(options.waitingFor);
  const begin = new Pass(scope, names.init, {
    stateName: names.init,
    result: {
      value: {
        deadline_seconds: options.deadlineSeconds,
        initial_wait_seconds: options.initialWaitSeconds ?? 2,
        max_wait_seconds: options.maxWaitSeconds ?? 15,
        attempt: 0,
        ...(options.firstWaitSeconds === undefined ? {} : { first_wait_seconds: options.firstWaitSeconds }),
        ...(options.watchSeconds
          ? {
              watch_seconds: options.watchSeconds,
              ...(options.watchEverySeconds === undefined ? {} : { watch_every_seconds: options.watchEverySeconds }),
              ends_on: [...options.done, ...(options.failed ?? [])],
            }
          : {}),
      },
    },
    resultPath: '$.poll',
  });
  const wait = new Wait(scope, names.wait, { stateName: names.wait, time: WaitTime.secondsPath('$.poll.wait_seconds') });
  const timedOut = new Pass(scope, names.timedOut, {
    stateName: names.timedOut,
    parameters: {
      Error: 'Timeout',
      'Cause.$': `States.Format('timed out after {} s waiting for ${options.waitingFor}; last status {}', $.poll.deadline_seconds, $.poll.status)`,
    },
    resultPath: options.failurePath ?? '$.failure',
  });
  timedOut.next(options.onFailure);

  const check = new Choice(scope, names.check, { stateName: names.check });
  for (const status of options.done) check.when(Condition.stringEquals('$.poll.status', status), options.next);
  if (options.failed?.length) {
    const failedStatus = new Pass(scope, `${options.waitingFor} failed`, {
      stateName: `${options.waitingFor} failed`,
      parameters: {
        Error: 'Failed',
        'Cause.$': `States.Format('gave up waiting for ${options.waitingFor}: status {}', $.poll.status)`,
      },
      resultPath: options.failurePath ?? '$.failure',
    });
    failedStatus.next(options.onFailure);
    for (const status of options.failed) check.when(Condition.stringEquals('$.poll.status', status), failedStatus);
  }
  check.when(Condition.booleanEquals('$.poll.expired', true), timedOut);
  check.otherwise(wait);

  wait.next(options.describe);
  options.describe.next(check);
  begin.next(options.describe);
  return begin;
}

/** A state that can catch errors: a Task, a Map or a Parallel. */
export interface CatchingState {
  addCatch(handler: IChainable, props?: CatchProps): unknown;
}

/**
 * Routes every error of `states` to `handler`, keeping the input and putting the error at
 * `$.failure` (`{Error, Cause}`), the shape compensation steps and `record-failure` read.
 */
export function catchInto(states: readonly CatchingState[], handler: IChainable): void {
  for (const state of states) state.addCatch(handler, { errors: [Errors.ALL], resultPath: '$.failure' });
}

/**
 * The first state of a workflow on an existing stream: claims it for `action` under this
 * execution's name (see `tasks/claim-stream.ts`) and puts what later steps need at `$.stream`.
 */
export function claimStream(scope: Construct, action: Action, fn: IFunction): LambdaInvoke {
  return invoke(scope, `Claim stream for ${action}`, fn, {
    payload: {
      'stream_id.$': '$.stream_id',
      action,
      'execution_name.$': '$$.Execution.Name',
      'execution_id.$': '$$.Execution.Id',
      // A schedule's firing carries its schedule_id here; the claim records the schedule's outcome.
      'execution_input.$': '$$.Execution.Input',
    },
    resultPath: '$.stream',
    timeout: Duration.seconds(30),
  });
}

export interface RecordFailureOptions {
  /** The action that failed, as `last_error.action` names it; also names the states. */
  readonly action: Action;
  /** The `record-failure` task function (see `tasks/record-failure.ts`). */
  readonly fn: IFunction;
  /**
   * The state the stream is moved to (only while this execution holds its claim).
   * @default - the stream's state is left as it is
   */
  readonly state?: StreamState;
  /**
   * The names of the two states; a workflow with two failure paths names the second pair itself.
   * @default - `Record {action} failure` and `{Action} failed`
   */
  readonly stateNames?: { readonly record: string; readonly fail: string };
  /**
   * Where a compensation chain left the failures of its own steps (`{what: {Error, Cause}}`), to
   * record with the original.
   * @default - no cleanup failures are recorded
   */
  readonly cleanupPath?: string;
}

/**
 * Records a caught failure as the stream's `last_error` (and moves it to `state`), then fails the
 * execution with the original error, so the console and `GET …/executions` show why.
 */
export function recordFailureAndFail(scope: Construct, options: RecordFailureOptions): IChainable {
  const { action, state, cleanupPath } = options;
  const names = options.stateNames ?? { record: `Record ${action} failure`, fail: `${capitalize(action)} failed` };
  const record = invoke(scope, names.record, options.fn, {
    payload: {
      'stream_id.$': '$.stream_id',
      action,
      'execution_id.$': '$$.Execution.Id',
      // Only the execution that holds the stream's claim releases it (see tasks/record-failure.ts).
      'execution_name.$': '$$.Execution.Name',
      'failure.$': '$.failure',
      ...(state ? { state } : {}),
      ...(cleanupPath ? { 'cleanup.$': cleanupPath } : {}),
    },
    resultPath: JsonPath.DISCARD,
    timeout: Duration.seconds(30),
  });
  return record.next(failWithCaughtError(scope, names.fail));
}

/** A Fail state that ends the execution with the error a Catch left at `$.failure` (see {@link catchInto}). */
export function failWithCaughtError(scope: Construct, stateName: string): Fail {
  return new Fail(scope, stateName, { stateName, errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Ends the workflow quietly when `state` finds the stream in a state the action does not allow
 * (a schedule firing on a stream someone already started, say): on `StreamStateConflict` it goes
 * to the Pass state `stateName`, whose output says why (`{"skipped": true, "reason": "…"}`),
 * then succeeds, nothing changed.
 */
export function skipOnStreamStateConflict(scope: Construct, state: CatchingState, stateName: string): void {
  const skip = new Pass(scope, stateName, {
    stateName,
    parameters: { skipped: true, 'reason.$': '$.failure.Cause' },
  });
  skip.next(new Succeed(scope, `${stateName} (done)`, { stateName: `${stateName} (done)` }));
  state.addCatch(skip, { errors: [ErrorNames.StreamStateConflict], resultPath: '$.failure' });
}
