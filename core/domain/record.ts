import { z } from 'zod';
import { ScheduleSchema } from './schedule';

export const STREAM_STATES = ['creating', 'idle', 'starting', 'running', 'stopping', 'deleting', 'failed'] as const;
export const StreamStateSchema = z.enum(STREAM_STATES);
export type StreamState = z.infer<typeof StreamStateSchema>;

/** Epoch seconds as a string, as the seed's clients read them. */
export const EpochString = z.string().regex(/^\d+$/);

export const ConnectorSchema = z.object({
  target: z.enum(['medialive', 'ivs']),
  state: z.enum(['starting', 'running', 'stopping']),
  chime_url: z.string(),
  task_id: z.string().nullable(),
  started_at: EpochString,
  /** Where the pixels come from locally: the meeting page, or a test pattern when it can't open it. */
  source: z.enum(['page', 'test_pattern']).optional(),
});
export type Connector = z.infer<typeof ConnectorSchema>;

export const LastErrorSchema = z.object({
  action: z.string(),
  message: z.string(),
  at: EpochString,
  execution_id: z.string().nullable(),
});
export type LastError = z.infer<typeof LastErrorSchema>;

/** The stream record exactly as `API.md` lists it: every field a client sees. */
export const StreamRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  segment_length: z.number().int(),
  rtmp1: z.string(),
  rtmp2: z.string(),
  viewer_endpoint: z.string(),
  archives_path: z.record(z.string(), z.string()),
  last_update: EpochString.nullable(),
  last_started: EpochString.nullable(),
  last_stopped: EpochString.nullable(),
  started: z.boolean(),
  current_session_id: z.string().nullable(),
  live_channel_id: z.string(),
  live_input_id: z.string(),
  package_endpoint_id: z.string(),
  package_channel_id: z.string(),
  state: StreamStateSchema,
  live: z.boolean(),
  live_endpoint: z.string().nullable(),
  startover_window_seconds: z.number().int(),
  key_rotation_interval: z.number().int(),
  connector: ConnectorSchema.nullable(),
  ivs_viewer_endpoint: z.string().nullable(),
  rtmp_ivs: z.string().nullable(),
  last_error: LastErrorSchema.nullable(),
  version: z.number().int(),
});
export type StreamRecord = z.infer<typeof StreamRecordSchema>;

/**
 * What the store keeps beyond the public record. Never returned by the API.
 * - `execution_arns`: the workflow executions of this stream, newest first, so the API can list
 *   them without scanning every state machine (capped at {@link MAX_TRACKED_EXECUTIONS}).
 * - `claimed_by`: the execution that owns the current transitional state; a workflow started by
 *   the API finds its own name here, one started by a schedule claims the stream itself.
 * - `ivs_channel_arn`: the stream's IVS channel, made once by `ivs_start` and kept for reuse.
 * - `schedules`: its timed starts and stops.
 */
export const StreamItemSchema = StreamRecordSchema.extend({
  execution_arns: z.array(z.string()).default([]),
  claimed_by: z.string().nullable().default(null),
  ivs_channel_arn: z.string().nullable().default(null),
  /** The execution that claimed the current `connector` (see `core/domain/connector.ts`); absent when none. */
  connector_execution: z.string().nullable().optional(),
  /** Timed starts and stops of this stream, by schedule id (see `core/domain/schedule.ts`). */
  schedules: z.record(z.string(), ScheduleSchema).default({}),
});
export type StreamItem = z.infer<typeof StreamItemSchema>;

export const MAX_TRACKED_EXECUTIONS = 100;

export const PUBLIC_FIELDS = Object.keys(StreamRecordSchema.shape) as (keyof StreamRecord)[];

/** The record as the API shows it: the internal fields dropped. */
export function toPublicRecord(item: StreamItem): StreamRecord {
  const out = {} as Record<string, unknown>;
  for (const field of PUBLIC_FIELDS) out[field] = item[field];
  return out as StreamRecord;
}

export const DEFAULT_SEGMENT_LENGTH = 300;
export const DEFAULT_STARTOVER_WINDOW_SECONDS = 3600;
export const DEFAULT_KEY_ROTATION_INTERVAL = 60;

/** A new record in `creating`: what the API writes before the create workflow fills it in. */
export function newStreamItem(args: {
  id: string;
  name: string;
  description?: string;
  segment_length?: number;
  now: string;
}): StreamItem {
  return {
    id: args.id,
    name: args.name,
    description: args.description ?? '',
    segment_length: args.segment_length ?? DEFAULT_SEGMENT_LENGTH,
    rtmp1: '',
    rtmp2: '',
    viewer_endpoint: '',
    archives_path: {},
    last_update: args.now,
    last_started: null,
    last_stopped: null,
    started: false,
    current_session_id: null,
    live_channel_id: '',
    live_input_id: '',
    package_endpoint_id: '',
    package_channel_id: '',
    state: 'creating',
    live: false,
    live_endpoint: null,
    startover_window_seconds: DEFAULT_STARTOVER_WINDOW_SECONDS,
    key_rotation_interval: DEFAULT_KEY_ROTATION_INTERVAL,
    connector: null,
    ivs_viewer_endpoint: null,
    rtmp_ivs: null,
    last_error: null,
    version: 1,
    execution_arns: [],
    claimed_by: null,
    ivs_channel_arn: null,
    schedules: {},
  };
}

/** `started` is derived from `state`, never written on its own. */
export function isStarted(state: StreamState): boolean {
  return state === 'starting' || state === 'running';
}
