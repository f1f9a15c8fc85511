import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Config } from '../core/lambda/config';
import { aws } from '../core/aws/calls';
import { executionErrorMessage } from '../core/aws/executions';
import { conflict, InternalError } from './errors';

/** The lifecycle actions the API starts, as keys of `STATE_MACHINE_ARNS` and prefixes of execution names. */
export const WORKFLOW_ACTIONS = [
  'create',
  'update',
  'start',
  'stop',
  'live',
  'unlive',
  'delete',
  'split',
  'chime_start',
  'chime_stop',
  'ivs_start',
  'ivs_stop',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** The action's state machine; a clear 500 (before anything is written) when it isn't deployed. */
export function stateMachineArn(config: Config, action: WorkflowAction): string {
  const arn = config.STATE_MACHINE_ARNS[action];
  if (!arn) throw new InternalError(`no state machine is configured for '${action}' (STATE_MACHINE_ARNS)`);
  return arn;
}

/** `arn:…:stateMachine:M` + `N` → `arn:…:execution:M:N`, the ARN Step Functions gives execution `N` of `M`. */
export function executionArnOf(machineArn: string, name: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts execution `name` and returns its ARN. Names are deterministic per record version, so an
 * existing execution of that name is this very request made before (a retry, or an action that
 * changed nothing the first time): it is adopted, not started twice. Any other failure is a 500.
 */
export async function startExecution(
  sfn: SFNClient,
  args: { action: WorkflowAction; machineArn: string; name: string; input: Record<string, unknown> },
): Promise<string> {
  try {
    const out = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: args.machineArn, name: args.name, input: JSON.stringify(args.input) }),
    );
    if (!out.executionArn) throw new Error('StartExecution returned no executionArn');
    return out.executionArn;
  } catch (err) {
    if ((err as { name?: string }).name === 'ExecutionAlreadyExists') return executionArnOf(args.machineArn, args.name);
    throw new InternalError(`could not start the ${args.action} workflow`, { cause: err });
  }
}

export interface Outcome {
  status: string;
  error?: string;
  cause?: string;
}

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 1000;

/** Polls the execution (250 ms, doubling to 1 s) until it ends or `waitSeconds` have passed. */
export async function waitForExecution(sfn: SFNClient, executionArn: string, waitSeconds: number): Promise<Outcome> {
  const deadline = performance.now() + waitSeconds * 1000;
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(MAX_POLL_MS, delay * 2)) {
    const out = await aws('describing execution', () => sfn.send(new DescribeExecutionCommand({ executionArn })));
    if (out.status !== 'RUNNING' && out.status !== undefined) return { status: out.status, error: out.error, cause: out.cause };
    const left = deadline - performance.now();
    if (left <= 0) return { status: 'RUNNING' };
    await sleep(Math.min(delay, left));
  }
}

/**
 * A short action's wait: `'done'` when its workflow succeeded, `'running'` when it is still going
 * after `API_WAIT_SECONDS` (the caller answers 202). A workflow that found the stream's state
 * against it is a 409; any other failure a 500 naming the execution and its (redacted) error.
 */
export async function settle(
  sfn: SFNClient,
  config: Config,
  args: { action: WorkflowAction; streamId: string; executionArn: string },
): Promise<'done' | 'running'> {
  const outcome = await waitForExecution(sfn, args.executionArn, config.API_WAIT_SECONDS).catch((err: unknown) => {
    throw new InternalError(`could not follow the ${args.action} workflow`, { cause: err });
  });
  if (outcome.status === 'RUNNING') return 'running';
  if (outcome.status === 'SUCCEEDED') return 'done';
  const message = executionErrorMessage(outcome.error, outcome.cause);
  if (outcome.error === 'StreamStateConflict') throw conflict(message);
  const execution = args.executionArn.split(':').pop();
  throw new InternalError(
    `the ${args.action} workflow of stream ${args.streamId} ended ${outcome.status}: ${message} (execution ${execution})`,
  );
}
