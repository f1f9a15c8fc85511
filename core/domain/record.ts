import * as z from './zod';
import { SessionGuardsSchema } from './guards';
import { ScheduleSchema } from './schedule';
import { STREAM_STATES } from './stream-states';

export { STREAM_STATES };
export const StreamStateSchema = z.enum(STREAM_STATES);
export type StreamState = z.infer<typeof StreamStateSchema>;

/** Epoch seconds as a string, as existing clients read them. */
export const EpochString = z.string().check(z.regex(/^\d+$/));

export const ConnectorSchema = z.object({
  target: z.enum(['medialive', 'ivs']).check(z.describe('Where it pushes: the stream\'s own channel (`chime_start`) or its IVS channel (`ivs_start`).')),
  state: z.enum(['starting', 'running', 'stopping']),
  chime_url: z.string().check(z.describe('The meeting it broadcasts, with `broadcast=true`.')),
  task_id: z.nullable(z.string()).check(z.describe('The ECS task running it; null until the task is started.')),
  started_at: EpochString.check(z.describe('When it was asked for, epoch seconds.')),
  /** Where the pixels come from locally: the meeting page, or a test pattern when it can't open it. */
  source: z.optional(z.enum(['page', 'test_pattern'])).check(z.describe('What it streams: the meeting page, or a labelled test pattern when it cannot open it.')),
});
export type Connector = z.infer<typeof ConnectorSchema>;

export const LastErrorSchema = z.object({
  action: z.string().check(z.describe('The action whose workflow failed, e.g. `start`.')),
  message: z.string().check(z.describe('What went wrong, stream keys redacted.')),
  at: EpochString.check(z.describe('When, epoch seconds.')),
  execution_id: z.nullable(z.string()).check(z.describe('The failed execution\'s ARN, when there was one.')),
});
export type LastError = z.infer<typeof LastErrorSchema>;

/**
 * Why a session ended: the operator (the API's stop), a timed stop, one of the cost guards
 * (`max_session`, `idle`), AWS or someone outside this API (the console, a failure), or the local
 * runtime stopping.
 */
export const STOP_REASONS = ['operator', 'schedule', 'max_session', 'idle', 'aws', 'runtime'] as const;
export const StopReasonSchema = z.enum(STOP_REASONS);
export type StopReason = z.infer<typeof StopReasonSchema>;

export const DEFAULT_MAX_SESSION_SECONDS = 6 * 3600;
export const DEFAULT_IDLE_STOP_SECONDS = 1800;

/** The stream record as the API shows it (`docs/API.md`, StreamRecord): every field a client sees. */
export const StreamRecordSchema = z.object({
  id: z.string().check(z.describe('32 lowercase hex chars.')),
  name: z.string().check(z.describe('1–128 chars.')),
  description: z.string().check(z.describe('Up to 1024 chars; default "".')),
  segment_length: z.number().check(z.int(), z.describe('Archive segment length in seconds, 1–3600 (default 300); a change applies from the next start.')),
  rtmp1: z.string().check(z.describe('RTMP push URL of input pipeline 1, `rtmp://HOST:PORT/APP/KEY`: OBS\'s server is up to the last `/`, its stream key the rest.')),
  rtmp2: z.string().check(z.describe('RTMP push URL of input pipeline 2, the same form.')),
  viewer_endpoint: z.string().check(z.describe('HLS playback URL of the stream\'s origin endpoint.')),
  archives_path: z.record(z.string(), z.string()).check(z.describe('Where each session was recorded, by session id: `s3://bucket/prefix/`, one entry per start.')),
  last_update: z.nullable(EpochString).check(z.describe('Last write of the record, epoch seconds.')),
  last_started: z.nullable(EpochString).check(z.describe('Last start, epoch seconds.')),
  last_stopped: z.nullable(EpochString).check(z.describe('Last stop, epoch seconds.')),
  started: z.boolean().check(z.describe('True while `state` is `starting` or `running`.')),
  current_session_id: z.nullable(z.string()).check(z.describe('The session of the latest start (a key of `archives_path`).')),
  live_channel_id: z.string().check(z.describe('The MediaLive channel id.')),
  live_input_id: z.string().check(z.describe('The MediaLive input id.')),
  package_endpoint_id: z.string().check(z.describe('The MediaPackage origin endpoint id.')),
  package_channel_id: z.string().check(z.describe('The MediaPackage channel id.')),
  state: StreamStateSchema.check(z.describe('Where the stream is in its lifecycle; `creating`, `starting`, `stopping` and `deleting` are transitional, while a workflow runs.')),
  live: z.boolean().check(z.describe('Whether the live distribution serves it.')),
  live_endpoint: z.nullable(z.string()).check(z.describe('Its playback URL through the live distribution, while `live`.')),
  startover_window_seconds: z.number().check(z.int(), z.describe('HLS history kept, as set by the latest start (default 3600).')),
  key_rotation_interval: z.number().check(z.int(), z.describe('HLS key rotation in seconds as set by the latest start, 0 = none (default 60).')),
  connector: z.nullable(ConnectorSchema).check(z.describe('The Chime connector broadcasting into the stream or its IVS channel, if any (one per stream).')),
  ivs_viewer_endpoint: z.nullable(z.string()).check(z.describe('IVS playback URL (`.m3u8`), once `ivs_start` has made the IVS channel.')),
  rtmp_ivs: z.nullable(z.string()).check(z.describe('IVS ingest URL, `rtmps://…/app/{stream key}`, once `ivs_start` has made the IVS channel.')),
  last_error: z.nullable(LastErrorSchema).check(z.describe('The latest failed workflow, if any.')),
  max_session_seconds: z
    .number()
    .check(z.int(), z.describe('A session is stopped automatically once it has run this long: 60–604800, or 0 = no limit (default 21600, 6 h).')),
  idle_stop_seconds: z
    .number()
    .check(z.int(), z.describe('A running stream whose inputs receive nothing for this long is stopped: 60–86400, or 0 = never (default 1800).')),
  input_connected: z
    .nullable(z.boolean())
    .check(z.describe('Whether an encoder is pushing to the input right now; null while the stream is not running.')),
  stop_reason: z
    .nullable(StopReasonSchema)
    .check(z.describe('Why the latest session ended: `operator`, `schedule`, `max_session`, `idle`, `aws` (stopped or failed outside this API), `runtime` (the local runtime stopped).')),
  version: z.number().check(z.int(), z.describe('Incremented by every write (optimistic concurrency): send it with an update to make it conditional.')),
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
export const StreamItemSchema = z.extend(StreamRecordSchema, {
  // Came after the seed: a record written before them reads with their defaults.
  max_session_seconds: z._default(StreamRecordSchema.shape.max_session_seconds, DEFAULT_MAX_SESSION_SECONDS),
  idle_stop_seconds: z._default(StreamRecordSchema.shape.idle_stop_seconds, DEFAULT_IDLE_STOP_SECONDS),
  input_connected: z._default(StreamRecordSchema.shape.input_connected, null),
  stop_reason: z._default(StreamRecordSchema.shape.stop_reason, null),
  execution_arns: z._default(z.array(z.string()), []),
  claimed_by: z._default(z.nullable(z.string()), null),
  ivs_channel_arn: z._default(z.nullable(z.string()), null),
  /** The execution that claimed the current `connector` (see `core/domain/connector.ts`); absent when none. */
  connector_execution: z.optional(z.nullable(z.string())),
  /** Timed starts and stops of this stream, by schedule id (see `core/domain/schedule.ts`). */
  schedules: z._default(z.record(z.string(), ScheduleSchema), {}),
  /** The cost guards of the current session (see `core/domain/guards.ts`); null before the first start. */
  guards: z._default(z.nullable(SessionGuardsSchema), null),
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
    max_session_seconds: DEFAULT_MAX_SESSION_SECONDS,
    idle_stop_seconds: DEFAULT_IDLE_STOP_SECONDS,
    input_connected: null,
    stop_reason: null,
    version: 1,
    execution_arns: [],
    claimed_by: null,
    ivs_channel_arn: null,
    schedules: {},
    guards: null,
  };
}

/** `started` is derived from `state`, never written on its own. */
export function isStarted(state: StreamState): boolean {
  return state === 'starting' || state === 'running';
}
