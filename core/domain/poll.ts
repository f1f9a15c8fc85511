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
  first_wait_seconds: z.optional(z.number().check(z.int(), z.positive())),
  watch_seconds: z.optional(z.number().check(z.int(), z.gte(0))),
  watch_every_seconds: z.optional(z.number().check(z.int(), z.positive())),
  ends_on: z.optional(z.array(z.string())),
});
export type PollInput = z.input<typeof PollSchema>;

export interface PollState {
  deadline_seconds: number;
  /**
   * For a change that takes a known while (a channel start): the wait after the first Describe
   * (which still sees a quick change or an early failure), before the backoff from
   * `initial_wait_seconds` follows. Unset: the backoff from the first Describe on.
   */
  first_wait_seconds?: number;
  /**
   * How long one Describe keeps looking (every `watch_every_seconds`) until it sees a status of
   * `ends_on`, before it returns: one Wait → Describe → Choice round (3 state transitions) then
   * covers this many seconds at a few seconds' lag. 0 or unset: one look per Describe. Keep it
   * well under the Describe task's timeout.
   */
  watch_seconds?: number;
  /** Seconds between a watch's looks; unset: 3 (`DEFAULT_WATCH_EVERY_SECONDS`). */
  watch_every_seconds?: number;
  /** The statuses the loop's Choice ends on (done or failed): a watching Describe returns as soon as it sees one. */
  ends_on?: string[];
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

/** The next poll after a Describe that saw `status` at `now`: the first wait, then exponential backoff, capped, with a deadline. */
export function nextPoll(input: PollInput, status: string, now: Date): PollState {
  const poll = PollSchema.parse(input);
  const startedAt = poll.started_at ?? now.toISOString();
  const elapsed = (now.getTime() - Date.parse(startedAt)) / 1000;
  const remaining = Math.max(0, poll.deadline_seconds - elapsed);
  const backoff =
    poll.first_wait_seconds === undefined
      ? Math.min(poll.max_wait_seconds, poll.initial_wait_seconds * 2 ** poll.attempt)
      : poll.attempt === 0
        ? poll.first_wait_seconds
        : Math.min(poll.max_wait_seconds, poll.initial_wait_seconds * 2 ** (poll.attempt - 1));
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

/** What {@link watchPoll} needs: the Describe itself, and the clock it watches by. */
export interface PollWatch {
  /** One look: the status now (a channel's state, a task's status). */
  describe: () => Promise<string>;
  now: () => Date;
  sleep: (ms: number) => Promise<unknown>;
}

const DEFAULT_WATCH_EVERY_SECONDS = 3;

/**
 * A Describe step: looks, and, where the poll asks for it (`watch_seconds`), keeps looking every
 * `watch_every_seconds` until it sees a status the loop ends on (`ends_on`), `watch_seconds` have
 * passed or the deadline has; then the next poll ({@link nextPoll}) from the last status. So the
 * Choice sees the end within `watch_every_seconds` of it, and one Describe lasts at most
 * `watch_seconds + watch_every_seconds` plus its calls.
 */
export async function watchPoll(input: PollInput, watch: PollWatch): Promise<PollState> {
  const poll = PollSchema.parse(input);
  const began = watch.now();
  const startedAt = poll.started_at ?? began.toISOString();
  const watchMs = (poll.watch_seconds ?? 0) * 1000;
  const everyMs = (poll.watch_every_seconds ?? DEFAULT_WATCH_EVERY_SECONDS) * 1000;
  const deadline = Date.parse(startedAt) + poll.deadline_seconds * 1000;
  const ends = new Set(poll.ends_on ?? []);
  let status = await watch.describe();
  for (;;) {
    // Looks again until `watch_seconds` have passed since the first look (so the watch spans at
    // least that, however long each Describe call takes) or the deadline has.
    const now = watch.now().getTime();
    if (ends.has(status) || now >= began.getTime() + watchMs || now >= deadline) break;
    await watch.sleep(everyMs);
    status = await watch.describe();
  }
  return nextPoll({ ...input, started_at: startedAt }, status, watch.now());
}
