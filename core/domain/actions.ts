/**
 * Every lifecycle action, declared once. An action is an API route, a state rule, a state machine
 * (and its `STATE_MACHINE_ARNS` key) and the prefix of its executions' names
 * (`{action}-{streamId}-{token}`). Each table keyed by action is checked against this list
 * (`satisfies Record<Action, …>`), so an action added here and missing from any of them is a
 * compile error: `docs/CONTRIBUTING.md` lists them.
 */
export const ACTIONS = [
  'create',
  'update',
  'start',
  'stop',
  'live',
  'unlive',
  'delete',
  'split',
  'chime_start',
  'chime_stop',
  'ivs_start',
  'ivs_stop',
] as const;

export type Action = (typeof ACTIONS)[number];
