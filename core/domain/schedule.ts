import * as z from './zod';
import type { Action } from './actions';

/**
 * Timed start and stop. Each schedule is a one-time EventBridge Scheduler schedule that starts the
 * action's state machine directly (no API in between), so the state machines enforce the state
 * rules themselves (`tasks/claim-stream.ts` marks the schedule `fired` or `skipped`). The stream
 * item keeps its schedules (`schedules` map) so the API lists them and their outcomes, and delete
 * cancels them.
 */
export const SCHEDULE_ACTIONS = ['start', 'stop'] as const satisfies readonly Action[];
/**
 * `failed`: the schedule came due but its workflow could not be started, after Scheduler's retries
 * (docs/API.md lists it). Locally the runtime records it when it cannot start the workflow; in the
 * cloud the start lands in the schedules' dead-letter queue (infra/scheduling.ts), which
 * `tasks/schedule-undelivered.ts` reads back into the record.
 */
export const SCHEDULE_STATES = ['scheduled', 'fired', 'skipped', 'failed', 'cancelled'] as const;

export const ScheduleSchema = z.object({
  schedule_id: z.string().check(z.describe('32 lowercase hex chars.')),
  action: z.enum(SCHEDULE_ACTIONS),
  at: z.string().check(z.describe('When it fires, ISO-8601 UTC.')),
  state: z.enum(SCHEDULE_STATES).check(z.describe('`scheduled` until due, then `fired` (see `execution_id`), `skipped` (its state rule forbade it, see `error`) or `failed` (its workflow could not be started, see `error`); `cancelled` once deleted.')),
  execution_id: z.optional(z.string()).check(z.describe('The execution it started, once fired.')),
  error: z.optional(z.string()).check(z.describe('Why it was skipped or failed.')),
  /** The start body's fields, passed to the start workflow as its input. */
  start_options: z.optional(z.record(z.string(), z.unknown())),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const MIN_LEAD_SECONDS = 10;
export const MAX_LEAD_SECONDS = 366 * 24 * 3600;

/** ISO-8601 with an explicit UTC designator (`Z` or `+00:00`); seconds and fractions optional. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00)$/;

/** Why `at` can't be a schedule time, or `undefined` if it can. */
export function scheduleTimeProblem(at: string, now: Date): string | undefined {
  if (!ISO_UTC.test(at)) return 'must be an ISO-8601 UTC time, e.g. 2026-05-01T09:00:00Z';
  const when = Date.parse(at);
  if (Number.isNaN(when)) return 'is not a valid date';
  const lead = (when - now.getTime()) / 1000;
  if (lead < MIN_LEAD_SECONDS) return `must be at least ${MIN_LEAD_SECONDS} s in the future`;
  if (lead > MAX_LEAD_SECONDS) return 'must be within one year';
  return undefined;
}

/** `at(2026-05-01T09:00:00)`: EventBridge Scheduler's one-time expression (whole seconds, UTC). */
export function scheduleExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** The schedule's name in the deployment's schedule group (≤ 64 chars). */
export function scheduleName(scheduleId: string): string {
  return `fm-${scheduleId}`;
}

/** What the state machine receives when the schedule fires. */
export function scheduleInput(streamId: string, schedule: Schedule): Record<string, unknown> {
  return { ...(schedule.start_options ?? {}), stream_id: streamId, schedule_id: schedule.schedule_id };
}

/** The API's view: soonest first, without the start options' internals. */
export function listSchedules(schedules: Record<string, Schedule>): Schedule[] {
  return Object.values(schedules)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map(({ start_options: _options, ...rest }) => rest);
}

const ScheduleRefSchema = z.object({ stream_id: z.string(), schedule_id: z.string() });

/** The stream and schedule a firing belongs to, read back from the input {@link scheduleInput} made. */
export function scheduleOfInput(input: unknown): { stream_id: string; schedule_id: string } | undefined {
  const parsed = ScheduleRefSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
