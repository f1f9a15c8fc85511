/**
 * The stream's states, in a module of their own without zod: the state rules (transitions.ts)
 * read only this, so the operator console bundles them without the schemas (~35 kB).
 */
export const STREAM_STATES = ['creating', 'idle', 'starting', 'running', 'stopping', 'deleting', 'failed'] as const;
export type StreamState = (typeof STREAM_STATES)[number];
