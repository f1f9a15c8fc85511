import { CHANNEL_TAGS } from './encoder-settings';
import { sessionLimits } from './guards';
import { requestToken } from './ids';
import type { StreamItem } from './record';

/**
 * The reconciler's pure rules (tasks/reconcile.ts): which channels are this stack's, which
 * connector tasks a record still owns, and which sessions have outrun their guard.
 */

/** How far past its `max_session_seconds` a running session may be before it counts in the metric: the guard's stop takes a few minutes itself. */
export const GUARD_MARGIN_SECONDS = 600;

/**
 * A channel is this stack's when it carries the tag of this stack's stream table, or (made before
 * that tag) when a record of this table names it. Another stack's channels in the same account
 * are neither, and are never touched.
 */
export function isOwnChannel(channel: { Id?: string; Tags?: Record<string, string> }, streamTable: string, referenced: ReadonlySet<string>): boolean {
  return channel.Tags?.[CHANNEL_TAGS.streamTable] === streamTable || (channel.Id !== undefined && referenced.has(channel.Id));
}

/**
 * Does the record still own this connector task? It names it once the task is recorded
 * (`connector.task_id`); between RunTask and that write, only the claiming execution's token
 * (`startedBy`, tasks/run-connector.ts) ties the task to it.
 */
export function ownsConnectorTask(item: StreamItem | undefined, taskId: string, startedBy: string | undefined): boolean {
  if (!item?.connector) return false;
  if (item.connector.task_id === taskId) return true;
  return !!item.connector_execution && startedBy === requestToken(item.connector_execution, 'connector');
}

/** Has the session run past its own `max_session_seconds` (0 = no limit) plus {@link GUARD_MARGIN_SECONDS}? */
export function isPastGuard(item: StreamItem, now: Date): boolean {
  const { max_session_seconds: limit } = sessionLimits(item);
  if (item.state !== 'running' || limit === 0 || item.last_started === null) return false;
  return now.getTime() / 1000 > Number(item.last_started) + limit + GUARD_MARGIN_SECONDS;
}
