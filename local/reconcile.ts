import { epochString } from '../core/domain/clock';
import type { StreamItem, StreamState } from '../core/domain/record';
import type { StreamPatch, StreamStore } from '../core/aws/store';
import type { Action } from '../core/domain/actions';

export interface Reconciled {
  stream_id: string;
  from: StreamState;
  to: StreamState;
}

/**
 * What a stream claimed when the runtime stopped, and what is true after a restart.
 *
 * Reconciling is no action and has no row in `core/domain/transitions.ts`: a restart, which ends every
 * execution and channel, is the local runtime's alone (the cloud's channels and executions outlive
 * any process), so the rule stays here. It writes only the resting states the cloud's workflows
 * write when the same action ends early (`idle` for a start that did not start, `failed` for a
 * create or delete cut short: tasks/record-failure.ts), and `action` names that action from the
 * table, so `last_error` reads as the cloud's would.
 */
const AFTER_RESTART: Partial<Record<StreamState, { to: StreamState; action?: Action; message?: string }>> = {
  starting: {
    to: 'idle',
    action: 'start',
    message: 'the local runtime stopped while the stream was starting; nothing runs across a restart, so its channel is idle. Start it again.',
  },
  running: {
    to: 'idle',
    action: 'start',
    message: 'the local runtime stopped while the stream was running; nothing runs across a restart, so its channel is idle and its session ended. Start it again for a new session.',
  },
  // The channel is stopped either way: the stop is done, bar its bookkeeping.
  stopping: { to: 'idle' },
  creating: {
    to: 'failed',
    action: 'create',
    message: 'the local runtime stopped while the stream was being created; delete the stream to remove what was made.',
  },
  deleting: {
    to: 'failed',
    action: 'delete',
    message: 'the local runtime stopped while the stream was being deleted; delete it again to finish.',
  },
};

/** A connector whose start workflow the restart cut short: nothing will ever finish or clear it. */
const CONNECTOR_START_CUT_SHORT =
  'the local runtime stopped while the connector was starting; nothing runs across a restart, so no connector runs. Start it again.';

/**
 * Brings every stream back to a true state when the runtime starts. Executions don't survive a
 * restart (the local Step Functions service aborts them) and neither do running channels (the
 * local MediaLive loads them IDLE), so a stream left in a transitional or running state would
 * otherwise claim what nothing is doing, and refuse every action. Each is moved to where it really
 * is, its claim released, and (unless the action had in effect completed) `last_error` says what
 * happened and what to do, naming the execution that was cut short.
 *
 * A connector still `starting` is released too: only its start workflow may settle it (the ECS
 * watcher leaves it alone), and that workflow is gone. Connectors that were `running` or
 * `stopping` are the watcher's, told of their lost tasks after this (`reportLostConnectors`).
 */
export async function reconcileStreams(store: StreamStore, now: () => Date = () => new Date()): Promise<Reconciled[]> {
  const done: Reconciled[] = [];
  for (const stream of await store.list()) {
    const rule = AFTER_RESTART[stream.state];
    if (!rule && stream.connector?.state !== 'starting') continue;
    const at = epochString(now());
    await store.mutate(stream.id, (item): StreamPatch | undefined => {
      if (item.state !== stream.state) return undefined;
      // The stream's own last_error, if any, wins: its channel stopping is the larger news.
      const patch = { ...releaseConnector(item, at), ...releaseState(item, at) };
      return Object.keys(patch).length > 0 ? patch : undefined;
    });
    done.push({ stream_id: stream.id, from: stream.state, to: rule?.to ?? stream.state });
  }
  return done;
}

function releaseState(item: StreamItem, at: string): StreamPatch {
  const rule = AFTER_RESTART[item.state];
  if (!rule) return {};
  return {
    state: rule.to,
    started: false,
    claimed_by: null,
    ...(item.state === 'running' || item.state === 'stopping' ? { last_stopped: at } : {}),
    // A session the restart ended (one still starting or running) ended because the runtime stopped.
    ...(item.state === 'running' || item.state === 'starting' ? { stop_reason: 'runtime' as const, input_connected: null } : {}),
    ...(rule.action && rule.message
      ? { last_error: { action: rule.action, message: rule.message, at, execution_id: executionArnOf(item, item.claimed_by) } }
      : {}),
  };
}

function releaseConnector(item: StreamItem, at: string): StreamPatch {
  if (item.connector?.state !== 'starting') return {};
  return {
    connector: null,
    connector_execution: null,
    last_error: {
      action: item.connector.target === 'ivs' ? 'ivs_start' : 'chime_start',
      message: CONNECTOR_START_CUT_SHORT,
      at,
      execution_id: executionArnOf(item, item.connector_execution),
    },
  };
}

/** The ARN of the stream's execution named `name`, if the stream knows it. */
function executionArnOf(item: StreamItem, name: string | null | undefined): string | null {
  if (!name) return null;
  return item.execution_arns.find((arn) => arn.endsWith(`:${name}`)) ?? null;
}
