import { STREAM_STATES, type StreamState } from './record';

/**
 * The state rules (which action may begin in which state), in one table that the API (before it
 * starts an execution; else a 409) and the workflows (when they claim a stream, e.g. one started by
 * a schedule) both enforce.
 * `from`: the states the action may begin in. `to`: the transitional state it moves the stream to
 * while it runs (absent: the action doesn't change `state`).
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
} as const satisfies Record<string, { from: readonly StreamState[]; to?: StreamState }>;

export type TransitionAction = keyof typeof TRANSITIONS;

export function allowedFrom(action: TransitionAction): readonly StreamState[] {
  return TRANSITIONS[action].from;
}

export function targetState(action: TransitionAction): StreamState | undefined {
  const rule = TRANSITIONS[action] as { to?: StreamState };
  return rule.to;
}

export function isAllowed(action: TransitionAction, state: StreamState): boolean {
  return (allowedFrom(action) as readonly string[]).includes(state);
}

/** The 409 message: names the action and the state that forbids it. */
export function conflictMessage(action: TransitionAction, state: StreamState): string {
  return `cannot ${action.replace('_', ' ')} a stream in state '${state}' (allowed in: ${allowedFrom(action).join(', ')})`;
}
