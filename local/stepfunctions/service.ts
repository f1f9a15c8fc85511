import { randomUUID } from 'node:crypto';
import type * as Sfn from '@aws-sdk/client-sfn';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  StateMachineDoesNotExist,
  type DescribeExecutionOutput,
  type DescribeStateMachineOutput,
  type GetExecutionHistoryInput,
  type ListExecutionsInput,
  type StartExecutionInput,
  type StopExecutionInput,
} from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { logger } from '../../core/lambda/logger';
import type { AslDefinition } from '../../workflows/render';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../env';
import { serviceError } from '../service-errors';
import { serviceFromHandlers, type LocalService } from '../service';
import { ExecutionFiles, type ExecutionRecord } from './executions';
import { HistoryRecorder, type EngineEvent, type StoredEvent } from './history';
import type { IntegrationRunner } from './integrations';
import type { RenderedAction } from './rendered-workflows';
import type { TaskRunner } from './tasks';

export interface LocalStepFunctionsOptions {
  /** The state machines, rendered (local/stepfunctions/workflow-cache.ts keeps them). */
  workflows: readonly RenderedAction[];
  /** Answers every Task state: the task file the state invokes, with the state's input. */
  runTask: TaskRunner;
  /** Answers every Task state that calls a service itself (`arn:aws:states:::…`); none = not available locally. */
  runIntegration?: IntegrationRunner;
  /** Where executions and their histories are kept; none = in memory. */
  dir?: string;
  /** Tests: every Wait state and retry interval lasts this many ms instead of what the ASL says. */
  waitOverrideMs?: number;
}

interface Machine {
  arn: string;
  name: string;
  asl: AslDefinition;
  engine: StateMachine;
  taskOfState: Readonly<Record<string, string>>;
  integrationOfState: Readonly<Record<string, string>>;
  stateNames: readonly string[];
  created: Date;
}

interface Running {
  abort: () => void;
  finished: Promise<void>;
  /** What StopExecution (or shutdown) gave as the reason. */
  stop?: { error?: string; cause?: string };
}

/** Step Functions' own rule for names: 1–80 chars, none of whitespace, brackets, wildcards or the like. */
// eslint-disable-next-line no-control-regex -- the rule forbids control characters, so the pattern has to name them
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** The error and cause of an execution the runtime did not finish (shut down, or killed). */
export const RUNTIME_STOPPED = 'LocalRuntimeStopped';

/** The ARN the local Step Functions gives the state machine of `action` (the cloud's come from the stack, in STATE_MACHINE_ARNS). */
export function localStateMachineArn(action: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:fmls-${action}`;
}

/**
 * Step Functions, locally: one state machine per workflow (ASL rendered from the same CDK chain the
 * stack deploys), executions run by aws-local-stepfunctions with every Task state answered by the
 * task's own `run`. StartExecution has the cloud's idempotency (the same name and input while it
 * runs: the same execution; otherwise ExecutionAlreadyExists); executions and their history
 * (`GetExecutionHistory`, in the cloud's event shape) are kept on disk and survive a restart. An
 * execution that was running when the runtime stopped doesn't resume: it is ABORTED with
 * {@link RUNTIME_STOPPED} and its last state in the cause.
 */
export class LocalStepFunctions {
  readonly service: LocalService;
  readonly stateMachineArns: Readonly<Record<string, string>>;

  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Running>();
  private readonly files: ExecutionFiles;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    const created = new Date();
    for (const { action, asl, taskOfState, integrationOfState, stateNames } of options.workflows) {
      const arn = localStateMachineArn(action);
      // The workflow tests run every ASL through this engine with its validation on; validating
      // again here would add a second or two per state machine to every start of the runtime.
      const engine = new StateMachine(asl as never, { validationOptions: { noValidate: true } });
      const name = arn.slice(arn.lastIndexOf(':') + 1);
      this.machines.set(arn, { arn, name, asl, engine, taskOfState, integrationOfState, stateNames, created });
    }
    this.stateMachineArns = Object.fromEntries(options.workflows.map((w) => [w.action, localStateMachineArn(w.action)]));
    this.files = new ExecutionFiles(options.dir);
    for (const record of this.files.loadAll()) {
      this.executions.set(record.executionArn, record);
      if (record.status === 'RUNNING') this.abandon(record);
    }
    this.service = serviceFromHandlers<typeof Sfn>('StepFunctions', {
      StartExecutionCommand: (input) => this.startExecution(input),
      DescribeExecutionCommand: (input) => this.describeExecution(this.mustExecution(input.executionArn)),
      ListExecutionsCommand: (input) => this.listExecutions(input),
      GetExecutionHistoryCommand: (input) => this.history(input),
      StopExecutionCommand: (input) => this.stopExecution(input),
      DescribeStateMachineCommand: (input) => this.describeStateMachine(input.stateMachineArn),
      ListStateMachinesCommand: () => ({
        stateMachines: [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.created })),
      }),
    });
  }

  /** Resolves once the execution has ended (at once if it isn't running). */
  async whenFinished(executionArn: string): Promise<void> {
    await this.running.get(executionArn)?.finished;
  }

  /** Aborts what still runs (shutdown): its history says the runtime stopped, as after a crash. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.running.keys()].map((arn) =>
        this.stop(arn, { error: RUNTIME_STOPPED, cause: this.stoppedCause(this.executions.get(arn)!, 'shut down') }),
      ),
    );
  }

  private startExecution(input: StartExecutionInput) {
    const machine = this.mustMachine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!NAME.test(name)) throw serviceError(InvalidName, 400, `invalid execution name: ${name}`);
    const inputText = input.input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw serviceError(InvalidExecutionInput, 400, 'execution input is not valid JSON');
    }
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // The cloud's idempotency for Standard workflows: a repeat of a running start is that start.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw serviceError(ExecutionAlreadyExists, 400, `execution ${name} already exists`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      input: inputText,
    };
    this.executions.set(executionArn, record);
    this.files.save(record);
    this.run(machine, record, parsed);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  private run(machine: Machine, record: ExecutionRecord, input: unknown): void {
    const { runIntegration } = this.options;
    type StateHandler = (stateInput: unknown) => Promise<unknown>;
    const handlers = Object.fromEntries([
      ...Object.entries(machine.taskOfState).map(([state, task]): [string, StateHandler] => [state, (stateInput) => this.options.runTask(task, stateInput)]),
      ...Object.entries(machine.integrationOfState).map(([state, resource]): [string, StateHandler] => [
        state,
        async (stateInput) => {
          if (!runIntegration) throw new Error(`the service integration ${resource} is not available locally`);
          return runIntegration(resource, stateInput);
        },
      ]),
    ]);
    const override = this.options.waitOverrideMs;
    const everyState = (ms: number) => Object.fromEntries(machine.stateNames.map((n) => [n, ms]));
    const execution = machine.engine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(override === undefined ? {} : { waitTimeOverrides: everyState(override), retryIntervalOverrides: everyState(override) }),
      },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/fmls-local-states` },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    const recorder = new HistoryRecorder(LOCAL_REGION, machine.integrationOfState);
    let last: EngineEvent | undefined;
    const finished = (async () => {
      for await (const event of execution.eventLogs) {
        last = event;
        this.files.append(record, recorder.convert(event));
      }
      await execution.result.catch(() => undefined);
      this.finish(record, last, recorder);
    })().catch((err: unknown) => {
      logger.error('local Step Functions lost an execution', { executionArn: record.executionArn, error: String(err) });
    });
    this.running.set(record.executionArn, { abort: execution.abort, finished });
  }

  /** Settles the record from the engine's last event: how the execution ended. */
  private finish(record: ExecutionRecord, last: EngineEvent | undefined, recorder: HistoryRecorder): void {
    const stop = this.running.get(record.executionArn)?.stop;
    this.running.delete(record.executionArn);
    const ended: Partial<ExecutionRecord> = { stopDate: new Date().toISOString() };
    if (last?.type === 'ExecutionSucceeded') {
      Object.assign(ended, { status: 'SUCCEEDED', output: JSON.stringify(last.output ?? null) });
    } else if (last?.type === 'ExecutionFailed') {
      Object.assign(ended, { status: 'FAILED', error: last.Error, cause: typeof last.Cause === 'string' ? last.Cause : JSON.stringify(last.Cause) });
    } else if (last?.type === 'ExecutionTimeout') {
      Object.assign(ended, { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution ran past its TimeoutSeconds' });
    } else {
      Object.assign(ended, { status: 'ABORTED', ...stop });
      this.files.append(record, [abortedEvent(recorder.nextId(), ended.stopDate!, stop)]);
    }
    Object.assign(record, ended);
    this.files.save(record);
  }

  /** An execution found RUNNING on disk at start-up: the process that ran it is gone. */
  private abandon(record: ExecutionRecord): void {
    const events = this.files.events(record);
    const stop = { error: RUNTIME_STOPPED, cause: this.stoppedCause(record, 'stopped', events) };
    const stopDate = new Date().toISOString();
    this.files.append(record, [abortedEvent((events.at(-1)?.id ?? 0) + 1, stopDate, stop)]);
    Object.assign(record, { status: 'ABORTED', stopDate, ...stop });
    this.files.save(record);
  }

  private stoppedCause(record: ExecutionRecord, how: string, events = this.files.events(record)): string {
    const entered = events.filter((e) => e.stateEnteredEventDetails).at(-1)?.stateEnteredEventDetails?.name;
    const where = entered ? ` in state '${entered}'` : '';
    return `the local runtime ${how} while this execution was running${where}; executions do not resume after a restart, and the stream is reconciled when the runtime starts`;
  }

  private async stop(executionArn: string, reason: { error?: string; cause?: string }): Promise<void> {
    const running = this.running.get(executionArn);
    if (!running) return;
    running.stop = reason;
    running.abort();
    await running.finished;
  }

  private async stopExecution(input: StopExecutionInput) {
    const record = this.mustExecution(input.executionArn);
    await this.stop(record.executionArn, { error: input.error, cause: input.cause });
    return { stopDate: new Date(record.stopDate ?? Date.now()) };
  }

  private describeExecution(record: ExecutionRecord): DescribeExecutionOutput {
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      ...(record.stopDate ? { stopDate: new Date(record.stopDate) } : {}),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  private listExecutions(input: ListExecutionsInput) {
    const machine = this.mustMachine(input.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn && (!input.statusFilter || e.status === input.statusFilter))
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    const { page, nextToken } = paginate(all, input);
    return {
      executions: page.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startDate),
        ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  private history(input: GetExecutionHistoryInput) {
    const record = this.mustExecution(input.executionArn);
    let events = this.files.events(record);
    if (input.reverseOrder) events = events.reverse();
    const { page, nextToken } = paginate(events, input);
    return {
      events: page.map((e) => ({ ...(input.includeExecutionData === false ? withoutData(e) : e), timestamp: new Date(e.timestamp) })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  private describeStateMachine(arn: string | undefined): DescribeStateMachineOutput {
    const machine = this.mustMachine(arn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.asl),
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/fmls-local-states`,
      type: 'STANDARD',
      creationDate: machine.created,
    };
  }

  private mustMachine(arn: string | undefined): Machine {
    const machine = arn === undefined ? undefined : this.machines.get(arn);
    if (!machine) throw serviceError(StateMachineDoesNotExist, 400, `state machine ${String(arn)} does not exist`);
    return machine;
  }

  private mustExecution(arn: string | undefined): ExecutionRecord {
    if (arn === undefined || !arn.startsWith('arn:aws:states:')) throw serviceError(InvalidArn, 400, `invalid execution ARN: ${String(arn)}`);
    const record = this.executions.get(arn);
    if (!record) throw serviceError(ExecutionDoesNotExist, 400, `execution ${arn} does not exist`);
    return record;
  }
}

function abortedEvent(id: number, at: string, stop: { error?: string; cause?: string } | undefined): StoredEvent {
  return { timestamp: at, type: 'ExecutionAborted', id, previousEventId: id - 1, executionAbortedEventDetails: { ...stop } };
}

/** `nextToken` is the offset of the next page (opaque to callers, as in the cloud). */
function paginate<T>(items: T[], input: { maxResults?: number; nextToken?: string }) {
  const size = Math.min(input.maxResults || DEFAULT_PAGE, MAX_PAGE);
  const start = input.nextToken ? Number.parseInt(input.nextToken, 10) : 0;
  const page = items.slice(start, start + size);
  return { page, nextToken: start + size < items.length ? String(start + size) : undefined };
}

/** `includeExecutionData: false`: the events without their input and output. */
function withoutData(event: StoredEvent): StoredEvent {
  const copy = structuredClone(event);
  for (const details of Object.values(copy)) {
    if (details && typeof details === 'object') {
      for (const field of ['input', 'output', 'parameters', 'inputDetails', 'outputDetails']) Reflect.deleteProperty(details, field);
    }
  }
  return copy;
}
