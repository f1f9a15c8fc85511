import { StateMachine } from 'aws-local-stepfunctions';
import { z } from 'zod';
import type { WorkflowDefinition } from '../../workflows/definition';
import { renderWorkflow, stateNames } from '../../workflows/render';
import { shaped } from '../fixtures/shape';

/** One entry of aws-local-stepfunctions' execution event log (the package doesn't export the type). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type StateHandler = (input: unknown) => unknown;

export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error?: { name: string; message: string };
  /** Names of the states entered, in order (a state retried or looped appears each time). */
  entered: string[];
  /** Every state's raw input as it entered, by name, in order. */
  inputs: Record<string, unknown[]>;
  /** What each Task state's handler received (after `Parameters`), by state name, in order. */
  calls: Record<string, unknown[]>;
  events: EventLog[];
}

export const EXECUTION_NAME = 'test-0123456789abcdef0123456789abcdef-v2';
export const EXECUTION_ID = `arn:aws:states:us-east-1:000000000000:execution:test:${EXECUTION_NAME}`;

/**
 * Runs a workflow's rendered ASL in aws-local-stepfunctions with every Task state (task Lambda or
 * service integration) answered by `handlers` (keyed by state name; a Task without a handler
 * fails the test loudly), all waits and
 * retry intervals at zero, and the context object Step Functions would give.
 */
export async function runWorkflow(
  definition: WorkflowDefinition,
  input: unknown,
  handlers: Record<string, StateHandler>,
): Promise<WorkflowRun> {
  const { asl, taskOfState, integrationOfState } = renderWorkflow(definition);
  const names = stateNames(asl);
  for (const state of Object.keys(handlers)) {
    if (!names.includes(state)) throw new Error(`handler for unknown state '${state}'; states: ${names.join(', ')}`);
  }
  const calls: Record<string, unknown[]> = {};
  const taskResourceLocalHandlers = Object.fromEntries(
    [...Object.keys(taskOfState), ...Object.keys(integrationOfState)].map((state) => [
      state,
      async (stateInput: unknown) => {
        const handler = handlers[state];
        if (!handler) throw new Error(`no test handler for task state '${state}'`);
        (calls[state] ??= []).push(structuredClone(stateInput));
        return await handler(stateInput);
      },
    ]),
  );
  const zero = Object.fromEntries(names.map((n) => [n, 0]));
  const machine = new StateMachine(asl as never, { validationOptions: { checkPaths: false } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, waitTimeOverrides: zero, retryIntervalOverrides: zero },
    context: { Execution: { Id: EXECUTION_ID, Name: EXECUTION_NAME, Input: input as never, StartTime: new Date().toISOString() } },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  let status: WorkflowRun['status'] = 'SUCCEEDED';
  let output: unknown;
  let error: WorkflowRun['error'];
  try {
    output = await execution.result;
  } catch (err) {
    status = 'FAILED';
    const e = err as Error & { cause?: unknown };
    error = { name: e.name, message: e.message };
  }
  await collecting;
  const entered: string[] = [];
  const inputs: Record<string, unknown[]> = {};
  for (const event of events) {
    if (event.type === 'StateEntered') {
      entered.push(event.state.name);
      (inputs[event.state.name] ??= []).push(event.state.input);
    }
  }
  return { status, output, error, entered, inputs, calls, events };
}

/** Every input Task state `state` received, in order, as `schema` (the task's own `Input`, which its Lambda parses) says it is. */
export function callsOf<S extends z.core.$ZodType>(run: WorkflowRun, state: string, schema: S): z.input<S>[] {
  return (run.calls[state] ?? []).map((input, i) => shaped(input, schema, `input #${i} of '${state}'`));
}

/** The `i`-th input Task state `state` received, as `schema` says it is. */
export function callOf<S extends z.core.$ZodType>(run: WorkflowRun, state: string, schema: S, i = 0): z.input<S> {
  return shaped(run.calls[state]?.[i], schema, `input #${i} of '${state}'`);
}

/** The execution's output, as `schema` says it is. */
export function outputOf<S extends z.core.$ZodType>(run: WorkflowRun, schema: S): z.input<S> {
  return shaped(run.output, schema, 'the execution output');
}

/** A handler that fails `times` times with a named error, then answers `value`. */
export function failingThen(times: number, errorName: string, value: unknown): StateHandler {
  let calls = 0;
  return () => {
    calls++;
    if (calls <= times) {
      const err = new Error(`${errorName} #${calls}`);
      err.name = errorName;
      throw err;
    }
    return value;
  };
}

/** A handler that always fails with a named error. */
export function failing(errorName: string, message = `${errorName} from test`): StateHandler {
  return () => {
    const err = new Error(message);
    err.name = errorName;
    throw err;
  };
}

/** What a poll Describe state receives: the poll so far (core/domain/poll.ts), every field of it kept. */
const PollInput = z.object({ poll: z.looseObject({ attempt: z.number().optional() }) });

/** A poll Describe handler that answers the statuses in order (the last one repeats). */
export function statuses(...sequence: string[]): StateHandler {
  let i = 0;
  return (input) => {
    const { poll } = PollInput.parse(input);
    const status = sequence[Math.min(i++, sequence.length - 1)];
    return { ...poll, attempt: (poll.attempt ?? 0) + 1, status, wait_seconds: 1, expired: false };
  };
}

/** A poll Describe handler whose deadline has passed. */
export function expiredPoll(status: string): StateHandler {
  return (input) => ({ ...PollInput.parse(input).poll, status, wait_seconds: 1, expired: true });
}
