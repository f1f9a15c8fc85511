import { CHANNEL_TAGS } from './encoder-settings';
import { sessionLimits } from './guards';
import { requestToken } from './ids';
import type { StreamItem } from './record';

/**
 * The reconciler's pure rules (tasks/reconcile.ts): which channels (MediaLive and IVS) are this
 * stack's, which connector tasks and IVS streams a record still accounts for, and which sessions
 * have outrun their guard.
 */

/** How far past its `max_session_seconds` a running session may be before it counts in the metric: the guard's stop takes a few minutes itself. */
export const GUARD_MARGIN_SECONDS = 600;

/**
 * A channel is this stack's when it carries the tag of this stack's stream table, or (made before
 * that tag) when a record of this table names it. Another stack's channels in the same account
 * are neither, and are never touched.
 */
export function isOwnChannel(channel: { Id?: string; Tags?: Record<string, string> }, streamTable: string, referenced: ReadonlySet<string>): boolean {
  return isOwn(channel.Tags, channel.Id, streamTable, referenced);
}

/** The same rule for an IVS channel (ListChannels gives its `arn` and `tags`; records name it by `ivs_channel_arn`). */
export function isOwnIvsChannel(channel: { arn?: string; tags?: Record<string, string> }, streamTable: string, referenced: ReadonlySet<string>): boolean {
  return isOwn(channel.tags, channel.arn, streamTable, referenced);
}

function isOwn(tags: Record<string, string> | undefined, id: string | undefined, streamTable: string, referenced: ReadonlySet<string>): boolean {
  return tags?.[CHANNEL_TAGS.streamTable] === streamTable || (id !== undefined && referenced.has(id));
}

/**
 * Does the record account for a live stream on its IVS channel? Only the stream's own IVS
 * connector pushes there, so a connector toward IVS in any state (its workflows settle it) does;
 * with none, whatever pushes is unreferenced.
 */
export function ownsIvsStream(item: StreamItem | undefined): boolean {
  return item?.connector?.target === 'ivs';
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
