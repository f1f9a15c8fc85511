import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from '../domain/zod';
import { aws } from './calls';
import { causeText } from '../domain/failure';
import { parseExecutionName } from '../domain/ids';
import { redact, redactText } from '../domain/redact';

/**
 * A stream's workflow executions as the API shows them, read from Step Functions itself
 * (DescribeExecution + GetExecutionHistory), so a stuck start can be seen in the cloud and locally
 * alike. Everything returned passes through {@link redact}: execution input, output and error
 * causes can hold stream keys.
 */

export const ExecutionErrorSchema = z.object({
  error: z.string().check(z.describe('The error name, e.g. `StreamStateConflict` or `States.Timeout`.')),
  message: z.string().check(z.describe('What went wrong, stream keys redacted.')),
});

export const ExecutionSummarySchema = z.object({
  execution_id: z.string().check(z.describe('The execution ARN.')),
  action: z.string().check(z.describe('The lifecycle action, e.g. `start`.')),
  status: z.string().check(z.describe('Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, …')),
  started_at: z.string().check(z.describe('ISO-8601 UTC.')),
  stopped_at: z.nullable(z.string()).check(z.describe('ISO-8601 UTC; null while running.')),
  current_state: z.nullable(z.string()).check(z.describe('The state the execution is in while running; once it ended, the last state it entered.')),
  error: z.nullable(ExecutionErrorSchema),
});
export type ExecutionSummary = z.infer<typeof ExecutionSummarySchema>;

export const HISTORY_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED'] as const;

export const HistoryEntrySchema = z.object({
  state: z.string(),
  entered_at: z.string(),
  exited_at: z.nullable(z.string()),
  status: z.enum(HISTORY_STATUSES),
  attempts: z.number().check(z.describe('How many times the state\'s task was tried in this entry: 1, plus one per Retry (0 for a state with no task).')),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const ExecutionDetailSchema = z.extend(ExecutionSummarySchema, {
  output: z.nullable(z.unknown()).check(z.describe('The execution output (JSON), stream keys redacted; null until it ends.')),
  history: z.array(HistoryEntrySchema).check(z.describe('Every state entered, in order.')),
});
export type ExecutionDetail = z.infer<typeof ExecutionDetailSchema>;

/**
 * A readable message from a Step Functions `error`/`cause` pair: a Lambda task's cause is a JSON
 * `{errorMessage, errorType, stackTrace}` (only the message is kept: never a stack), a Fail
 * state's a plain sentence.
 */
export function executionErrorMessage(error: string | undefined, cause: string | undefined): string {
  return redactText(cause ? causeText(cause) : (error ?? 'Error'));
}

/** State machine ARN → action, the reverse of `STATE_MACHINE_ARNS`. */
export type ActionsByMachine = Readonly<Record<string, string>>;

/**
 * The action of an execution: from its name when the API or a workflow named it
 * (`{action}-{streamId}-{token}`), else (EventBridge Scheduler names executions itself) from its
 * state machine, else the state machine's name.
 */
function actionOf(out: DescribeExecutionCommandOutput, actionsByMachine: ActionsByMachine): string {
  const fromName = parseExecutionName(out.name ?? '')?.action;
  const machine = out.stateMachineArn ?? '';
  return fromName ?? actionsByMachine[machine] ?? (machine.split(':').pop() || 'unknown');
}

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

const enteredName = (e: HistoryEvent) => (e.type?.endsWith('StateEntered') ? e.stateEnteredEventDetails?.name : undefined);
const exitedName = (e: HistoryEvent) => (e.type?.endsWith('StateExited') ? e.stateExitedEventDetails?.name : undefined);
/** A task (or Map/Parallel) attempt failed; a Retry may still succeed, a Catch then exits the state. */
const isAttemptFailure = (e: HistoryEvent) =>
  /^(Task|LambdaFunction|Activity|MapState|ParallelState|Evaluation)\w*(Failed|TimedOut)$/.test(e.type ?? '');
const isAttemptSuccess = (e: HistoryEvent) => /^(Task|LambdaFunction|Activity)Succeeded$/.test(e.type ?? '');
/** A task attempt began: the first, or a Retry's (a Retry re-runs the task inside the same state entry). */
const isAttemptStart = (e: HistoryEvent) => /^(Task|LambdaFunction|Activity)Scheduled$/.test(e.type ?? '');

/**
 * The states an execution went through, from its history events in order: one entry per state
 * entered (a state looped over appears each time), with its task's attempts (a Retry runs the task
 * again inside the same entry). A state whose last attempt failed is FAILED even when a Catch
 * moved on from it; a state never exited is RUNNING while the execution runs, else it is where
 * the execution failed (or was aborted).
 *
 * A Map's iterations run side by side through states of the same names, and their events carry
 * no iteration: an exit closes the earliest open entry of its name, and a task event counts
 * toward the latest entered state. Every entry is closed; which of two concurrent iterations'
 * entries ended first is approximate.
 */
export function historyEntries(events: readonly HistoryEvent[], executionStatus: string): HistoryEntry[] {
  type Entry = HistoryEntry & { lastAttemptFailed: boolean };
  const entries: Entry[] = [];
  const open = new Map<string, Entry[]>();
  let latestOpen: Entry | undefined;
  for (const event of events) {
    const entered = enteredName(event);
    const exited = exitedName(event);
    if (entered !== undefined) {
      const entry: Entry = { state: entered, entered_at: iso(event.timestamp) ?? '', exited_at: null, status: 'RUNNING', attempts: 0, lastAttemptFailed: false };
      entries.push(entry);
      open.set(entered, [...(open.get(entered) ?? []), entry]);
      latestOpen = entry;
    } else if (exited !== undefined) {
      const entry = open.get(exited)?.shift();
      if (!entry) continue;
      entry.exited_at = iso(event.timestamp);
      entry.status = entry.lastAttemptFailed ? 'FAILED' : 'SUCCEEDED';
    } else if (latestOpen && latestOpen.exited_at === null) {
      if (isAttemptStart(event)) latestOpen.attempts++;
      if (isAttemptFailure(event)) latestOpen.lastAttemptFailed = true;
      if (isAttemptSuccess(event)) latestOpen.lastAttemptFailed = false;
    }
  }
  const unfinished = executionStatus === 'RUNNING' ? 'RUNNING' : executionStatus === 'ABORTED' ? 'ABORTED' : 'FAILED';
  for (const entry of entries) if (entry.exited_at === null) entry.status = unfinished;
  return entries.map(({ lastAttemptFailed: _, ...entry }) => entry);
}

async function describe(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return aws('describing execution', () => sfn.send(new DescribeExecutionCommand({ executionArn })));
}

function summaryOf(out: DescribeExecutionCommandOutput, currentState: string | null, actionsByMachine: ActionsByMachine): ExecutionSummary {
  const failed = out.error !== undefined || out.cause !== undefined;
  return redact({
    execution_id: out.executionArn ?? '',
    action: actionOf(out, actionsByMachine),
    status: out.status ?? 'UNKNOWN',
    started_at: iso(out.startDate) ?? '',
    stopped_at: iso(out.stopDate),
    current_state: currentState,
    error: failed ? { error: out.error ?? 'Error', message: executionErrorMessage(out.error, out.cause) } : null,
  });
}

/** How many of the latest events to scan for the state an execution is in: enough to pass its retries. */
const RECENT_EVENTS = 50;

/** One execution's summary: its status, where it is (or ended), and its error. */
export async function executionSummary(sfn: SFNClient, executionArn: string, actionsByMachine: ActionsByMachine = {}): Promise<ExecutionSummary> {
  const out = await describe(sfn, executionArn);
  const recent = await aws('reading execution history', () =>
    sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: RECENT_EVENTS, includeExecutionData: false })),
  );
  const latest = (recent.events ?? []).map(enteredName).find((name) => name !== undefined);
  return summaryOf(out, latest ?? null, actionsByMachine);
}

/** Caps the history read: Step Functions keeps at most 25,000 events per execution. */
const MAX_HISTORY_PAGES = 25;

/** One execution in full: the summary, its output, and every state it went through. */
export async function executionDetail(sfn: SFNClient, executionArn: string, actionsByMachine: ActionsByMachine = {}): Promise<ExecutionDetail> {
  const out = await describe(sfn, executionArn);
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const res = await aws('reading execution history', () =>
      sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false })),
    );
    events.push(...(res.events ?? []));
    nextToken = res.nextToken;
    if (!nextToken) break;
  }
  const history = historyEntries(events, out.status ?? 'RUNNING');
  let output: unknown = null;
  if (out.output !== undefined) {
    try {
      output = JSON.parse(out.output);
    } catch {
      output = out.output;
    }
  }
  return {
    ...summaryOf(out, history.at(-1)?.state ?? null, actionsByMachine),
    output: redact(output),
    history,
  };
}
