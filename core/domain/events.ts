import * as z from './zod';

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
 * drop the repeat. `data` is the kind's own payload; it never holds a stream key or a secret.
 */
export const StreamEventSchema = z.object({
  id: z.string(),
  kind: EventKindSchema,
  version: z.literal(EVENT_SCHEMA_VERSION),
  stream_id: z.string(),
  /** When the change happened, ISO-8601 UTC. */
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type StreamEvent = z.infer<typeof StreamEventSchema>;
