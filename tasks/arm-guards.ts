import * as z from '../core/domain/zod';
import { armGuard } from '../core/aws/guards';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { schedulerClient } from '../core/aws/clients/scheduler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store' | 'scheduler' | 'config' | 'now'>;

/**
 * Once the channel is RUNNING (before the record says so, so a start whose guards cannot be armed
 * goes down the start's stop path instead of running unguarded): arms the session's maximum length
 * at now + max_session_seconds, and its idle guard (arming 0) at now + idle_stop_seconds.
 *
 * Why the idle guard is armed at RUNNING, before any alert: MediaLive raises "RTMP Stream Not
 * Found" for a pipeline nobody pushes to, but nothing says it does so before RUNNING, so the idle
 * clock of a session starts with the session. An encoder pushing from the first second raises no
 * alert: the guard fires, its stop's claim finds an input connected (core/domain/guards.ts,
 * guardSkipReason) and changes nothing. One that never pushes is stopped idle_stop_seconds after
 * RUNNING. The signal the claim re-checks is the alert state the channel-alert task keeps.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ armed: string[] }> {
  const item = await deps.store.mustGet(input.stream_id);
  const guards = item.guards;
  if (!guards || guards.session_id !== item.current_session_id) return { armed: [] };
  const now = deps.now();
  const armed: string[] = [];
  for (const [kind, seconds] of [
    ['max_session', guards.max_session_seconds],
    ['idle', guards.idle_stop_seconds],
  ] as const) {
    if (seconds <= 0) continue;
    await armGuard(deps, { streamId: item.id, guards, kind, afterSeconds: seconds, now });
    armed.push(kind);
  }
  return { armed };
}

export const handler = taskHandler(Input, run, { scheduler: schedulerClient, store: streamStore });
