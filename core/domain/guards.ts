import * as z from './zod';

/**
 * The cost guards (docs/API.md: `max_session_seconds`, `idle_stop_seconds`): a session is stopped by
 * the stop workflow once it has run `max_session_seconds`, or once its inputs have received nothing
 * for `idle_stop_seconds`, and the record says why (`stop_reason`).
 *
 * Durable by construction: each guard is a one-time EventBridge Scheduler schedule (locally the
 * local Scheduler, persisted across restarts) that starts the stop state machine with a
 * {@link GuardFiring} input, not a timer in any process's memory. A firing proves nothing by itself:
 * the stop's claim (`tasks/claim-stream.ts`) checks it against the record ({@link guardSkipReason})
 * in the same conditional write that claims the stream, so a guard of a session that already ended,
 * or an idle guard whose input came back, changes nothing. Cancelling a guard is therefore only
 * tidying: a guard that outlives its cancel (a delete that lost a race with the create) is harmless.
 */

/** 0 = no limit, else 60 s – 7 days. */
export const MaxSessionSecondsSchema = z
  .union([z.literal(0), z.number().check(z.int(), z.gte(60), z.lte(604_800))])
  .check(z.describe('Stop a session once it has run this long: 60–604800 s, or 0 = no limit (default 21600, 6 h).'));
/** 0 = never, else 60 s – 1 day. */
export const IdleStopSecondsSchema = z
  .union([z.literal(0), z.number().check(z.int(), z.gte(60), z.lte(86_400))])
  .check(z.describe('Stop a running stream whose inputs receive nothing for this long: 60–86400 s, or 0 = never (default 1800).'));

/** The guard settings a create, an update and a start accept (a start's apply to that session only). */
export const GuardOptionsSchema = z.object({
  max_session_seconds: z.optional(MaxSessionSecondsSchema),
  idle_stop_seconds: z.optional(IdleStopSecondsSchema),
});
export type GuardOptions = z.infer<typeof GuardOptionsSchema>;

export const GUARD_KINDS = ['max_session', 'idle'] as const;
export type GuardKind = (typeof GUARD_KINDS)[number];

/**
 * The MediaLive Channel Alert types that mean an RTMP push input receives nothing, from "List of
 * alerts for channels" in the MediaLive User Guide
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-alerts-channels.html):
 * 5305 "RTMP Stream Not Found" ("the specified RTMP stream is not being received": nobody pushes)
 * and 5307 "RTMP Has No Audio/Video" ("the specified RTMP stream is no longer present": the
 * encoder went away). Each is SET and later CLEARED per pipeline (alert events:
 * https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-alert.html).
 */
export const RTMP_STREAM_NOT_FOUND = 'RTMP Stream Not Found';
export const RTMP_HAS_NO_AUDIO_VIDEO = 'RTMP Has No Audio/Video';
export const INPUT_LOSS_ALERTS = [RTMP_STREAM_NOT_FOUND, RTMP_HAS_NO_AUDIO_VIDEO] as const;

export function isInputLossAlert(alertType: string): boolean {
  return (INPUT_LOSS_ALERTS as readonly string[]).includes(alertType);
}

/** A stream's channel is STANDARD (core/domain/encoder-settings.ts): two pipelines, "0" and "1". */
export const PIPELINES = ['0', '1'] as const;

/**
 * The guards of the current session, kept on the stream item (never shown): the session's own
 * values (a start's override the record's for that session only), the input-loss alerts now SET
 * (`{pipeline}:{alert_type}`), and which arming of the idle guard is the live one (each time the
 * inputs go quiet the idle clock restarts under a new schedule name; an older one that still fires
 * is stale).
 */
export const SessionGuardsSchema = z.object({
  session_id: z.string(),
  max_session_seconds: z.number(),
  idle_stop_seconds: z.number(),
  lost_inputs: z._default(z.array(z.string()), []),
  idle_arming: z._default(z.number(), 0),
});
export type SessionGuards = z.infer<typeof SessionGuardsSchema>;

export function newSessionGuards(sessionId: string, values: { max_session_seconds: number; idle_stop_seconds: number }): SessionGuards {
  return { session_id: sessionId, ...values, lost_inputs: [], idle_arming: 0 };
}

/**
 * The limits the current session runs under: its own (a start's override) once it has begun, else
 * the record's. What a guard, an alarm or an event about the session must read, not the record's.
 */
export function sessionLimits(item: {
  current_session_id: string | null;
  max_session_seconds: number;
  idle_stop_seconds: number;
  guards: SessionGuards | null;
}): { max_session_seconds: number; idle_stop_seconds: number } {
  const own = item.guards && item.guards.session_id === item.current_session_id ? item.guards : item;
  return { max_session_seconds: own.max_session_seconds, idle_stop_seconds: own.idle_stop_seconds };
}

/** Is an encoder pushing: does any pipeline have no input-loss alert SET? */
export function inputConnected(guards: Pick<SessionGuards, 'lost_inputs'>): boolean {
  return PIPELINES.some((pipeline) => !guards.lost_inputs.some((lost) => lost.startsWith(`${pipeline}:`)));
}

/** The lost-input set after one alert event (SET adds it, CLEARED removes it). */
export function afterAlert(lost: readonly string[], alert: { pipeline: string; alert_type: string; alarm_state: string }): string[] {
  const key = `${alert.pipeline}:${alert.alert_type}`;
  const without = lost.filter((entry) => entry !== key);
  return alert.alarm_state === 'SET' ? [...without, key] : without;
}

/** What the guard's schedule hands the stop state machine (the execution input). */
export const GuardFiringSchema = z.object({
  stream_id: z.string(),
  reason: z.enum(GUARD_KINDS),
  session_id: z.string(),
  /** The idle guard's arming (see {@link SessionGuards}); absent for max_session. */
  arming: z.optional(z.number()),
});
export type GuardFiring = z.infer<typeof GuardFiringSchema>;

export function guardFiringOf(input: unknown): GuardFiring | undefined {
  const parsed = GuardFiringSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** The schedule's name in the deployment's group (≤ 64 chars): one per session, guard and idle arming. */
export function guardScheduleName(sessionId: string, kind: GuardKind, arming = 0): string {
  return kind === 'max_session' ? `fmg-${sessionId}-max` : `fmg-${sessionId}-idle-${arming}`;
}

/** The record as a guard's stop sees it (the fields it checks). */
export interface GuardedStream {
  state: string;
  current_session_id: string | null;
  guards?: SessionGuards | null;
}

/**
 * Why a firing must not stop the stream, or `undefined` if it must: only the current session's
 * guard, only while it runs, and for `idle` only the live arming while no input is connected.
 */
export function guardSkipReason(stream: GuardedStream, firing: GuardFiring): string | undefined {
  const guards = stream.guards;
  if (stream.current_session_id !== firing.session_id || guards?.session_id !== firing.session_id) {
    return `the ${firing.reason} guard of session ${firing.session_id} is stale: that session is over`;
  }
  if (stream.state !== 'running') return `the ${firing.reason} guard found the stream '${stream.state}', not running`;
  if (firing.reason === 'idle') {
    if (firing.arming !== guards.idle_arming) return `the idle guard (arming ${firing.arming}) was re-armed since (arming ${guards.idle_arming})`;
    if (inputConnected(guards)) return 'the idle guard found an encoder pushing again';
  }
  return undefined;
}

/** The reason a stop records: the guard's, a timed stop's, or the operator's (the API, or a stop started by hand). */
export const StopRequestSchema = z.object({
  reason: z.optional(z.enum(['operator', 'schedule', ...GUARD_KINDS])),
  schedule_id: z.optional(z.string()),
});

export function stopReasonOf(input: unknown): 'operator' | 'schedule' | GuardKind {
  const parsed = StopRequestSchema.safeParse(input);
  if (!parsed.success) return 'operator';
  return parsed.data.reason ?? (parsed.data.schedule_id ? 'schedule' : 'operator');
}
