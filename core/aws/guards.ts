import { StreamStateConflict } from '../domain/errors';
import {
  afterAlert,
  guardScheduleName,
  guardSkipReason,
  inputConnected,
  type GuardFiring,
  type GuardKind,
  type SessionGuards,
} from '../domain/guards';
import type { StreamItem } from '../domain/record';
import { createOneTimeSchedule, deleteScheduleNamed, type SchedulerDeps } from './schedules';
import { MAX_WRITE_ATTEMPTS, VersionConflict, backOffAfterConflict, type StreamStore } from './store';

// The cost guards' schedules (the rules: `core/domain/guards.ts`): one-time EventBridge Scheduler
// schedules in the deployment's group that start the stop state machine with a guard's firing.

function stopMachineArn(deps: SchedulerDeps): string {
  const arn = deps.config.STATE_MACHINE_ARNS.stop;
  if (!arn) throw new Error('missing configuration: STATE_MACHINE_ARNS has no stop state machine (the guards start it)');
  return arn;
}

/** Arms one guard of the session to fire `afterSeconds` from `now` (0 = that guard is off: nothing is armed). */
export async function armGuard(
  deps: SchedulerDeps,
  args: { streamId: string; guards: SessionGuards; kind: GuardKind; afterSeconds: number; now: Date },
): Promise<void> {
  if (args.afterSeconds <= 0) return;
  const { session_id: sessionId, idle_arming: arming } = args.guards;
  const firing: GuardFiring = {
    stream_id: args.streamId,
    reason: args.kind,
    session_id: sessionId,
    ...(args.kind === 'idle' ? { arming } : {}),
  };
  await createOneTimeSchedule(deps, {
    name: guardScheduleName(sessionId, args.kind, arming),
    at: new Date(args.now.getTime() + args.afterSeconds * 1000),
    description: `${args.kind} guard of stream ${args.streamId}`,
    stateMachineArn: stopMachineArn(deps),
    input: firing,
  });
}

/** Cancels the session's idle guard of `arming` (one that already fired is gone). */
export async function cancelIdleGuard(deps: SchedulerDeps, sessionId: string, arming: number): Promise<void> {
  await deleteScheduleNamed(deps, guardScheduleName(sessionId, 'idle', arming));
}

/** Cancels every guard of the session: its maximum length and its live idle arming. */
export async function cancelGuards(deps: SchedulerDeps, guards: SessionGuards): Promise<void> {
  await deleteScheduleNamed(deps, guardScheduleName(guards.session_id, 'max_session'));
  await cancelIdleGuard(deps, guards.session_id, guards.idle_arming);
}

/**
 * The stop's claim for a guard's firing: the firing is checked ({@link guardSkipReason}) on the very
 * version the claim is conditional on, so an encoder that came back (or an operator's stop) between
 * the check and the write makes the claim re-read and check again, never stop on a stale look. A
 * firing that must not stop is a {@link StreamStateConflict}: the workflow skips, nothing written.
 */
export async function claimForGuard(store: StreamStore, executionName: string, firing: GuardFiring): Promise<StreamItem> {
  for (let attempt = 1; ; attempt++) {
    const item = await store.get(firing.stream_id);
    if (!item) throw new StreamStateConflict(`the ${firing.reason} guard found stream ${firing.stream_id} deleted`);
    // A retried step of the execution that already claimed it.
    if (item.claimed_by === executionName) return item;
    const why = guardSkipReason(item, firing);
    if (why) throw new StreamStateConflict(why);
    try {
      return await store.claim(item.id, 'stop', executionName, {}, item.version);
    } catch (err) {
      if (!(err instanceof VersionConflict) || attempt >= MAX_WRITE_ATTEMPTS) throw err;
      await backOffAfterConflict(attempt);
    }
  }
}

export interface InputAlert {
  alarm_state: string;
  alert_type: string;
  pipeline: string;
}

/**
 * An input-loss alert of the stream's channel (`INPUT_LOSS_ALERTS`): the session's lost inputs
 * follow it while the stream starts or runs, and `input_connected` while it runs. When the last
 * pushing pipeline goes quiet on a running stream, the idle clock restarts (a new arming, armed at
 * now + idle_stop_seconds; the previous arming is cancelled); when one comes back, the live arming
 * is cancelled. Returns what changed.
 */
export async function noteInputAlert(
  deps: SchedulerDeps & { store: StreamStore; now: () => Date },
  args: { streamId: string; channelId: string; alert: InputAlert },
): Promise<'lost' | 'back' | 'noted' | 'ignored'> {
  type Outcome = 'lost' | 'back' | 'noted' | 'ignored';
  // Set inside the mutation (which may run more than once): the last run is the one written.
  let outcome = 'ignored' as Outcome;
  let before: SessionGuards | undefined;
  let after: SessionGuards | undefined;
  await deps.store.mutate(args.streamId, (item) => {
    outcome = 'ignored';
    const guards = item.guards;
    if (item.live_channel_id !== args.channelId || !guards || (item.state !== 'starting' && item.state !== 'running')) return undefined;
    const lost = afterAlert(guards.lost_inputs, args.alert);
    const wasConnected = inputConnected(guards);
    const connected = inputConnected({ lost_inputs: lost });
    const running = item.state === 'running';
    outcome = running && wasConnected && !connected ? 'lost' : running && !wasConnected && connected ? 'back' : 'noted';
    before = guards;
    after = { ...guards, lost_inputs: lost, idle_arming: outcome === 'lost' ? guards.idle_arming + 1 : guards.idle_arming };
    return { guards: after, ...(running ? { input_connected: connected } : {}) };
  });
  if (outcome === 'lost' && before && after) {
    await cancelIdleGuard(deps, before.session_id, before.idle_arming);
    await armGuard(deps, { streamId: args.streamId, guards: after, kind: 'idle', afterSeconds: after.idle_stop_seconds, now: deps.now() });
  } else if (outcome === 'back' && after) {
    await cancelIdleGuard(deps, after.session_id, after.idle_arming);
  }
  return outcome;
}
