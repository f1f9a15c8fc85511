import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from '../core/domain/zod';
import type { StreamRecord } from '../core/domain/record';
import type { ExecutionListSchema } from '../api/schemas';
import type { SplitProgressViewSchema } from '../api/split-progress-schemas';
import type { ApiClient } from './api-client';
import { ApiError, WaitTimedOut } from './errors';
import { executionName as executionNameOf } from '../core/domain/ids';
import { executionName } from './output';

/**
 * `--wait`: follows a workflow to its outcome the way an operator would watch it, through the
 * public API only: the stream's record (its `state`, `last_error`) and its executions (the
 * execution's `status`, `current_state` and `error`). One progress line on stderr.
 */

type Execution = z.infer<typeof ExecutionListSchema>[number];
type SplitProgress = z.infer<typeof SplitProgressViewSchema>;

export interface Progress {
  update(line: string): void;
  done(): void;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  progress: Progress;
  now?: () => number;
}

/** What was followed, and why it failed (`failure`) if it did. */
export interface Outcome<T> {
  value: T;
  failure?: string;
}

/**
 * A progress line on `stream`: rewritten in place on a terminal; elsewhere (a CI log, a file) one
 * line each time what it says changes, the elapsed time aside.
 */
export function progressLine(stream: { write(text: string): unknown; readonly isTTY?: boolean }): Progress {
  let last = '';
  let shown = false;
  return {
    update(line) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line}`);
        shown = true;
        return;
      }
      const gist = line.replace(/ · \d+s/, '');
      if (gist !== last) stream.write(`${line}\n`);
      last = gist;
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

const TRANSITIONAL = new Set(['creating', 'starting', 'stopping', 'deleting']);
const CONNECTOR_TRANSITIONAL = new Set(['starting', 'stopping']);

/** The record shows no work in progress: not in a transitional state, no connector on its way up or down. */
function settled(r: StreamRecord): boolean {
  return !TRANSITIONAL.has(r.state) && !(r.connector && CONNECTOR_TRANSITIONAL.has(r.connector.state));
}

/**
 * This request's execution among the stream's (newest first). Its name is
 * `{action}-{stream}-v{version}` with the version the API's answer carries; when that is not the
 * name (a connector slot, a replayed answer), the newest of the action that started since the
 * request (give or take a minute of clock skew), else, once it has been looked for a while, the
 * newest of the action at all.
 */
export function pickExecution(list: readonly Execution[], action: string, answered: StreamRecord | undefined, since: number, patient: boolean): Execution | undefined {
  const ofAction = list.filter((e) => e.action === action);
  const byName = answered && ofAction.find((e) => executionName(e.execution_id) === executionNameOf(action, answered.id, `v${answered.version}`));
  return byName ?? ofAction.find((e) => Date.parse(e.started_at) >= since - 60_000) ?? (patient ? ofAction[0] : undefined);
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

async function recordOrGone(client: ApiClient, id: string): Promise<StreamRecord | undefined> {
  try {
    return (await client.request('GET', `/streams/${id}`)).body as StreamRecord;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function executionsOf(client: ApiClient, id: string): Promise<Execution[]> {
  try {
    return (await client.request('GET', `/streams/${id}/executions`)).body as Execution[];
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

/**
 * Follows `action` on stream `id` (the API's answer was `answered`, sent at `since`) until its
 * execution has ended and the record has settled; a `delete` until the stream is gone.
 */
export async function followAction(
  client: ApiClient,
  { action, id, answered, since }: { action: string; id: string; answered?: StreamRecord; since: number },
  options: WaitOptions,
): Promise<Outcome<StreamRecord | undefined>> {
  const now = options.now ?? Date.now;
  const started = now();
  let polls = 0;
  try {
    for (;;) {
      const record = await recordOrGone(client, id);
      const execution = record ? pickExecution(await executionsOf(client, id), action, answered, since, polls >= 3) : undefined;
      polls++;
      const elapsed = now() - started;
      const step = execution ? (execution.current_state ?? '-') : 'waiting for its execution';
      options.progress.update(`${action} ${id.slice(0, 8)}: ${record?.state ?? 'gone'} · ${seconds(elapsed)} · ${step}`);

      if (!record) {
        if (action === 'delete') return { value: undefined };
        return { value: undefined, failure: `the stream is gone (its ${action} failed and was undone)` };
      }
      const ours = record.last_error && execution && record.last_error.execution_id === execution.execution_id ? record.last_error : undefined;
      if (record.state === 'failed' && (ours || !execution || execution.status !== 'RUNNING')) {
        return { value: record, failure: `${action} failed: ${record.last_error?.message ?? 'the stream is failed'}` };
      }
      if (execution && execution.status !== 'RUNNING' && action !== 'delete' && settled(record)) {
        if (execution.status !== 'SUCCEEDED') {
          const why = execution.error ? `${execution.error.error}: ${execution.error.message}` : (ours?.message ?? 'no error recorded');
          return { value: record, failure: `${action} ${execution.status}: ${why}` };
        }
        if (ours) return { value: record, failure: `${action} failed: ${ours.message}` };
        return { value: record };
      }
      if (execution && execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED' && action === 'delete') {
        return { value: record, failure: `delete ${execution.status}: ${execution.error?.message ?? ours?.message ?? 'no error recorded'}` };
      }
      if (elapsed >= options.timeoutMs) {
        throw new WaitTimedOut(`timed out after ${seconds(elapsed)} waiting for ${action} of ${id}: state ${record.state}, step ${step}`);
      }
      await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, options.timeoutMs - elapsed)));
    }
  } finally {
    options.progress.done();
  }
}

/** Follows a split until its execution has ended; a failed section or a failed execution is a failure. */
export async function followSplit(client: ApiClient, path: string, options: WaitOptions): Promise<Outcome<SplitProgress>> {
  const now = options.now ?? Date.now;
  const started = now();
  try {
    for (;;) {
      const split = (await client.request('GET', path)).body as SplitProgress;
      const elapsed = now() - started;
      const done = split.sections.filter((s) => s.state === 'done').length;
      const failed = split.sections.filter((s) => s.state === 'failed');
      options.progress.update(`split: ${split.status} · ${seconds(elapsed)} · ${done}/${split.sections.length} sections done${failed.length ? `, ${failed.length} failed` : ''}`);
      if (split.status !== 'RUNNING') {
        if (failed.length > 0) return { value: split, failure: failed.map((s) => `section ${s.index + 1} (index ${s.index}) failed: ${s.error ?? 'no error recorded'}`).join('\n') };
        if (split.status !== 'SUCCEEDED') return { value: split, failure: `split ${split.status}` };
        return { value: split };
      }
      if (elapsed >= options.timeoutMs) {
        throw new WaitTimedOut(`timed out after ${seconds(elapsed)} waiting for the split: ${done}/${split.sections.length} sections done`);
      }
      await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, options.timeoutMs - elapsed)));
    }
  } finally {
    options.progress.done();
  }
}
