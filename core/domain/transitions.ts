import type { Action } from './actions';
import { STREAM_STATES, type StreamState } from './stream-states';

/** One action's state rule. */
export interface TransitionRule {
  /** The states the action may begin in. */
  readonly from: readonly StreamState[];
  /** The transitional state it moves the stream to while it runs; absent: it doesn't change `state`. */
  readonly to?: StreamState;
}

/**
 * The state rules (which action may begin in which state), in one table that the API (before it
 * starts an execution; else a 409) and the workflows (when they claim a stream, e.g. one started by
 * a schedule) both enforce. Every action has a rule (a new one without is a compile error), so no
 * action skips the API's 409 check.
 */
export const TRANSITIONS = {
  // The API writes a new stream already in `creating`, claimed by the create execution; the
  // workflow's claim only checks that and records the execution.
  create: { from: ['creating'] },
  start: { from: ['idle'], to: 'starting' },
  stop: { from: ['starting', 'running'], to: 'stopping' },
  delete: { from: ['idle', 'starting', 'running', 'stopping', 'failed'], to: 'deleting' },
  live: { from: ['idle', 'starting', 'running', 'stopping', 'failed'] },
  unlive: { from: ['idle', 'starting', 'running', 'stopping', 'failed', 'deleting', 'creating'] },
  chime_start: { from: ['running'] },
  chime_stop: { from: STREAM_STATES },
  ivs_start: { from: ['idle', 'starting', 'running', 'stopping', 'failed'] },
  ivs_stop: { from: STREAM_STATES },
  update: { from: STREAM_STATES },
  // Cuts a session's recordings, which outlive the channel: the stream's state does not matter.
  split: { from: STREAM_STATES },
} as const satisfies Record<Action, TransitionRule>;

export function allowedFrom(action: Action): readonly StreamState[] {
  return TRANSITIONS[action].from;
}

export function targetState(action: Action): StreamState | undefined {
  const rule: TransitionRule = TRANSITIONS[action];
  return rule.to;
}

export function isAllowed(action: Action, state: StreamState): boolean {
  return (allowedFrom(action) as readonly string[]).includes(state);
}

/** The 409 message: names the action and the state that forbids it. */
export function conflictMessage(action: Action, state: StreamState): string {
  return `cannot ${action.replace('_', ' ')} a stream in state '${state}' (allowed in: ${allowedFrom(action).join(', ')})`;
}
