import * as z from './zod';
import { ConnectorSchema, LastErrorSchema, StopReasonSchema, StreamStateSchema } from './record';
import { ScheduleSchema } from './schedule';

/** The EventBridge `source` of every event this system publishes (one `detail-type` per kind). */
export const EVENT_SOURCE = 'frontmaster.livestream';

/**
 * The version of the events' `detail` schema. A change that could break a
 * receiver (a field removed, renamed or retyped) bumps it; new fields do not.
 */
export const EVENT_SCHEMA_VERSION = 1;

/** Every kind of event, each an EventBridge `detail-type` and a webhook's `events` filter entry. */
export const EVENT_KINDS = [
  'stream.created',
  'stream.starting',
  'stream.running',
  'stream.stopping',
  'stream.idle',
  'stream.failed',
  'stream.deleting',
  'stream.deleted',
  'stream.live',
  'stream.unlive',
  'stream.input_connected',
  'stream.input_disconnected',
  'connector.running',
  'connector.stopped',
  'connector.failed',
  'schedule.fired',
  'schedule.skipped',
  'split.section.done',
  'split.section.failed',
  'guard.stopped',
] as const;
export const EventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKindSchema>;

/**
 * An event's `detail` (EventBridge) and a webhook delivery's body: the same JSON. `id` is stable
 * (derived from what changed, not from when it was sent), so a receiver that gets it twice can
 * drop the repeat. `data` is the kind's own payload ({@link EVENT_DATA_SCHEMAS}); it never holds a
 * stream key or a secret.
 */
export const StreamEventSchema = z.object({
  id: z.string().check(z.describe('Stable: the same change always has the same id, so a receiver can drop repeats.')),
  kind: EventKindSchema,
  version: z.literal(EVENT_SCHEMA_VERSION),
  stream_id: z.string(),
  /** When the change happened, ISO-8601 UTC. */
  at: z.string().check(z.describe('When the change happened, ISO-8601 UTC.')),
  data: z.record(z.string(), z.unknown()),
});
export type StreamEvent = z.infer<typeof StreamEventSchema>;

const SessionId = z.nullable(z.string()).check(z.describe('The session (a key of the record\'s `archives_path`), null before the first start.'));

/** `stream.created` (provisioned: `creating` → `idle`) and each state the stream enters. */
export const StreamStateDataSchema = z.object({
  state: StreamStateSchema.check(z.describe('The state the stream entered.')),
  previous_state: z.nullable(StreamStateSchema).check(z.describe('The state it left.')),
  session_id: SessionId,
  stop_reason: z.nullable(StopReasonSchema).check(z.describe('Why the latest session ended (the record\'s `stop_reason`).')),
  last_error: z.nullable(LastErrorSchema).check(z.describe('The record\'s `last_error`: why a `stream.failed` failed.')),
});

export const StreamDeletedDataSchema = z.object({
  previous_state: StreamStateSchema.check(z.describe('The state of the record when it was removed.')),
});

export const StreamLiveDataSchema = z.object({
  live: z.boolean(),
  live_endpoint: z.nullable(z.string()).check(z.describe('The playback URL through the live distribution; null once unlive.')),
});

export const StreamInputDataSchema = z.object({
  input_connected: z.nullable(z.boolean()).check(z.describe('The record\'s `input_connected` after the change.')),
  session_id: SessionId,
});

export const ConnectorDataSchema = z.object({
  target: ConnectorSchema.shape.target,
  state: z.nullable(ConnectorSchema.shape.state).check(z.describe('The connector\'s state; null once it is gone.')),
  task_id: z.nullable(z.string()).check(z.describe('Its ECS task, when it had one.')),
  last_error: z.nullable(LastErrorSchema).check(z.describe('Why it failed (`connector.failed`); else null.')),
});

export const ScheduleDataSchema = z.object({
  schedule_id: ScheduleSchema.shape.schedule_id,
  action: ScheduleSchema.shape.action,
  at: ScheduleSchema.shape.at,
  state: ScheduleSchema.shape.state,
  execution_id: z.nullable(z.string()).check(z.describe('The execution it started (`schedule.fired`).')),
  error: z.nullable(z.string()).check(z.describe('Why it was skipped (`schedule.skipped`).')),
});

export const GuardDataSchema = z.object({
  stop_reason: z.enum(['max_session', 'idle']).check(z.describe('Which guard stopped the session.')),
  session_id: SessionId,
  max_session_seconds: z.number().check(z.int()),
  idle_stop_seconds: z.number().check(z.int()),
});

/** One section of a split, as the split-progress table's changes report it. */
export const SplitSectionDataSchema = z.object({
  execution_id: z.string().check(z.describe('The split\'s execution.')),
  index: z.number().check(z.int(), z.describe('The section, from 0, in the order of `timestamp_list`.')),
  start: z.number().check(z.describe('Its start in the session\'s recording, seconds.')),
  end: z.number().check(z.describe('Its end in the session\'s recording, seconds.')),
  state: z.enum(['done', 'failed']),
  output: z.nullable(z.string()).check(z.describe('The MP4 written, `s3://…`, once done.')),
  error: z.nullable(z.string()).check(z.describe('Why the section failed.')),
});

/** Each kind's `data`. The documentation (docs/EVENTS.md) is generated from these. */
export const EVENT_DATA_SCHEMAS = {
  'stream.created': StreamStateDataSchema,
  'stream.starting': StreamStateDataSchema,
  'stream.running': StreamStateDataSchema,
  'stream.stopping': StreamStateDataSchema,
  'stream.idle': StreamStateDataSchema,
  'stream.failed': StreamStateDataSchema,
  'stream.deleting': StreamStateDataSchema,
  'stream.deleted': StreamDeletedDataSchema,
  'stream.live': StreamLiveDataSchema,
  'stream.unlive': StreamLiveDataSchema,
  'stream.input_connected': StreamInputDataSchema,
  'stream.input_disconnected': StreamInputDataSchema,
  'connector.running': ConnectorDataSchema,
  'connector.stopped': ConnectorDataSchema,
  'connector.failed': ConnectorDataSchema,
  'schedule.fired': ScheduleDataSchema,
  'schedule.skipped': ScheduleDataSchema,
  'split.section.done': SplitSectionDataSchema,
  'split.section.failed': SplitSectionDataSchema,
  'guard.stopped': GuardDataSchema,
} as const satisfies Record<EventKind, z.ZodMiniObject>;

export type EventData<K extends EventKind> = z.infer<(typeof EVENT_DATA_SCHEMAS)[K]>;

/**
 * An event's id: the stream, the record version the change made (a redelivered change has the same
 * one), the kind, and what else tells two events of one write apart (a schedule's id, a section's
 * index). Readable, and at most ~100 chars.
 */
export function eventId(streamId: string, version: number, kind: EventKind, ...parts: (string | number)[]): string {
  return [streamId, `v${version}`, kind, ...parts].join(':');
}

/** An event, `at` as ISO-8601 UTC. */
export function streamEvent<K extends EventKind>(args: { id: string; kind: K; streamId: string; at: Date; data: EventData<K> }): StreamEvent {
  return { id: args.id, kind: args.kind, version: EVENT_SCHEMA_VERSION, stream_id: args.streamId, at: args.at.toISOString(), data: args.data };
}
