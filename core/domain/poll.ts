import * as z from './zod';

/**
 * The state of a polling loop (Wait → Describe → Choice) as it travels in the execution's state.
 * A workflow seeds it with the deadline and wait bounds; each Describe task passes the previous
 * value to {@link nextPoll} and returns the result, so the backoff and the deadline are computed in
 * one tested place instead of in ASL arithmetic.
 */
export const PollSchema = z.object({
  deadline_seconds: z.number().check(z.int(), z.positive()),
  initial_wait_seconds: z._default(z.number().check(z.int(), z.positive()), 2),
  max_wait_seconds: z._default(z.number().check(z.int(), z.positive()), 15),
  attempt: z._default(z.number().check(z.int(), z.gte(0)), 0),
  started_at: z.optional(z.string()),
});
export type PollInput = z.input<typeof PollSchema>;

export interface PollState {
  deadline_seconds: number;
  initial_wait_seconds: number;
  max_wait_seconds: number;
  attempt: number;
  started_at: string;
  /** What the Describe saw, e.g. a channel state. */
  status: string;
  /** How long the Wait state sleeps before the next Describe. */
  wait_seconds: number;
  /** True once the deadline has passed: the Choice routes to the named timeout failure. */
  expired: boolean;
}

/** The next poll after a Describe that saw `status` at `now`: exponential backoff, capped, with a deadline. */
export function nextPoll(input: PollInput, status: string, now: Date): PollState {
  const poll = PollSchema.parse(input);
  const startedAt = poll.started_at ?? now.toISOString();
  const elapsed = (now.getTime() - Date.parse(startedAt)) / 1000;
  const remaining = Math.max(0, poll.deadline_seconds - elapsed);
  const backoff = Math.min(poll.max_wait_seconds, poll.initial_wait_seconds * 2 ** poll.attempt);
  return {
    ...poll,
    attempt: poll.attempt + 1,
    started_at: startedAt,
    status,
    // Never sleep past the deadline, and always sleep at least a second (Wait needs an integer ≥ 0).
    wait_seconds: Math.max(1, Math.ceil(Math.min(backoff, remaining))),
    expired: elapsed >= poll.deadline_seconds,
  };
}
