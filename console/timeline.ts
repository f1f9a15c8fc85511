/**
 * An execution's states as the execution view draws them (pure: unit-tested under Node). The input
 * is `GET /streams/{id}/executions/{execution_id}` as the API documents it (docs/API.md,
 * ExecutionDetail); the console knows the API, not the Step Functions types behind it.
 */
export interface HistoryEntry {
  state: string;
  entered_at: string;
  exited_at: string | null;
  status: string;
  /** How many times the state's task was tried in this entry (1 + its Retries; 0: no task). */
  attempts: number;
}

export interface ExecutionView {
  execution_id: string;
  action: string;
  status: string;
  started_at: string;
  stopped_at: string | null;
  current_state: string | null;
  error: { error: string; message: string } | null;
  history: readonly HistoryEntry[];
}

export interface Step {
  state: string;
  status: string;
  entered_at: string;
  /** Milliseconds in the state: to its exit, or (not exited) to now while running, to the execution's stop once ended. */
  duration_ms: number;
  /** Which time this state is entered (1 = the first): a loop or a retried branch enters it again. */
  entry: number;
  /** The state the execution is in (running), or where it stopped (failed, timed out, aborted). */
  current: boolean;
}

export interface Timeline {
  steps: Step[];
  /** The current step's index, or -1 when the execution succeeded (or entered nothing yet). */
  current: number;
  /** Retries by state (attempts − 1 over its entries), only for states retried, in first-entry order. A loop re-entering a state is no retry: `Step.entry` counts those. */
  retries: { state: string; count: number }[];
  /** The whole execution so far, ms. */
  elapsed_ms: number;
}

const ms = (iso: string | null | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/**
 * Which step is current: while running, the last state not yet exited (the one it is stuck in, if
 * it is stuck); once it failed, timed out or was aborted, the last state that failed or never
 * exited (where it stopped). A succeeded execution has none.
 */
function currentIndex(execution: ExecutionView): number {
  const { history, status } = execution;
  const lastIndex = (test: (e: HistoryEntry) => boolean) => history.findLastIndex(test);
  if (status === 'RUNNING') return lastIndex((e) => e.exited_at === null);
  if (status === 'SUCCEEDED') return -1;
  const open = lastIndex((e) => e.exited_at === null);
  return open >= 0 ? open : lastIndex((e) => e.status === 'FAILED' || e.status === 'ABORTED');
}

export function timelineOf(execution: ExecutionView, now: Date): Timeline {
  const end = ms(execution.stopped_at) ?? now.getTime();
  const entries = new Map<string, number>();
  const retried = new Map<string, number>();
  const current = currentIndex(execution);
  const steps = execution.history.map((entry, i): Step => {
    const entered = ms(entry.entered_at) ?? end;
    const exited = ms(entry.exited_at) ?? end;
    const count = (entries.get(entry.state) ?? 0) + 1;
    entries.set(entry.state, count);
    if (entry.attempts > 1) retried.set(entry.state, (retried.get(entry.state) ?? 0) + entry.attempts - 1);
    return {
      state: entry.state,
      status: entry.status,
      entered_at: entry.entered_at,
      duration_ms: Math.max(0, exited - entered),
      entry: count,
      current: i === current,
    };
  });
  const retries = [...retried].map(([state, count]) => ({ state, count }));
  const started = ms(execution.started_at) ?? end;
  return { steps, current, retries, elapsed_ms: Math.max(0, end - started) };
}

/**
 * The local runtime's account (`local/env.ts`): the all-zero placeholder no AWS account has, which
 * local AWS stand-ins use by convention. Its execution ARNs look like the cloud's but no AWS console
 * knows them.
 */
const PLACEHOLDER_ACCOUNT = '000000000000';

/**
 * The Step Functions console page of an execution, when its id is a cloud execution ARN;
 * `undefined` for a bare name or a local runtime's ARN.
 */
export function awsConsoleUrl(executionId: string): string | undefined {
  const match = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:[^:]+:[^:]+$/.exec(executionId);
  if (!match || match[3] === PLACEHOLDER_ACCOUNT) return undefined;
  const [, partition, region] = match;
  const host =
    partition === 'aws-cn'
      ? `console.amazonaws.cn`
      : partition === 'aws-us-gov'
        ? `console.amazonaws-us-gov.com`
        : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionId)}`;
}
