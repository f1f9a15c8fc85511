import * as z from '../core/domain/zod';
import { StartOptionsSchema } from '../core/domain/archive-path';
import { ChimeUrlSchema } from '../core/domain/chime-url';
import { NAME_MODIFIER_PATTERN } from '../core/domain/name-modifier';
import { GuardOptionsSchema, IdleStopSecondsSchema, MaxSessionSecondsSchema } from '../core/domain/guards';
import { ExecutionDetailSchema, ExecutionSummarySchema } from '../core/aws/executions';
import { EXECUTION_ID_PATTERN, HEX_ID_PATTERN } from '../core/domain/ids';
import { StreamRecordSchema } from '../core/domain/record';
import { SCHEDULE_ACTIONS, ScheduleSchema } from '../core/domain/schedule';
import { SplitOutputSchema } from '../core/domain/split-outputs';
import { ERROR_CODES } from './errors';

/**
 * Every request and response shape of the HTTP API, as zod: the handler validates with these and
 * `openapi.ts` documents them (`docs/API.md`), so the docs cannot drift from what is enforced.
 * Request bodies are strict (unknown fields are a 400). A schema the docs show by name is
 * registered in {@link schemas}.
 */

/** Stream and schedule ids. */
const HexIdSchema = z.string().check(z.regex(HEX_ID_PATTERN, 'must be 32 lowercase hex chars'));
export const StreamPathSchema = z.object({ id: HexIdSchema });
export type StreamPath = z.infer<typeof StreamPathSchema>;
export const SessionPathSchema = z.object({
  id: HexIdSchema,
  session_id: z.string().check(z.minLength(1), z.maxLength(128), z.describe("A key of the stream's `archives_path`.")),
});
export const ExecutionPathSchema = z.object({
  id: HexIdSchema,
  execution_id: z
    .string()
    .check(z.regex(EXECUTION_ID_PATTERN, 'must be a Step Functions execution ARN or name'), z.describe('The execution ARN, or its name.')),
});

const Name = z.string().check(z.minLength(1), z.maxLength(128));
const Description = z.string().check(z.maxLength(1024));
const SegmentLength = z.number().check(z.int(), z.gte(1), z.lte(3600), z.describe('Archive segment length in seconds.'));

export const CreateStreamBodySchema = z.strictObject({
  name: Name,
  description: z.optional(Description).check(z.describe('Default "".')),
  segment_length: z.optional(SegmentLength).check(z.describe('Default 300.')),
  ...GuardOptionsSchema.shape,
});

/** The fields an update changes; any other record field may be sent back, unchanged. */
export const EDITABLE_FIELDS = ['name', 'description', 'segment_length', 'max_session_seconds', 'idle_stop_seconds'] as const;

export const UpdateStreamBodySchema = z
  .strictObject({
    ...z.partial(StreamRecordSchema).shape,
    name: z.optional(Name),
    description: z.optional(Description),
    segment_length: z.optional(SegmentLength),
    max_session_seconds: z.optional(MaxSessionSecondsSchema),
    idle_stop_seconds: z.optional(IdleStopSecondsSchema),
    version: z.optional(z.number().check(z.int(), z.gte(1))).check(z.describe('If sent, must be the stored version (else 409).')),
  })
  .check(
    z.describe(
      'A stream record or any subset of it. `name`, `description`, `segment_length`, `max_session_seconds` and `idle_stop_seconds` are applied (the last three from the next start); ' +
        'every other field must equal the stored value (else 400 naming it).',
    ),
  );

/** The start body: the start options every starter validates alike (API, schedules, the workflow). */
export const StartBodySchema = z
  .strictObject({ ...StartOptionsSchema.shape, ...GuardOptionsSchema.shape })
  .check(
    z.describe(
      '`path`: an s3://bucket/prefix/ URI (default `s3://{archive_bucket}/{YYYY}/{MM}/{DD}/{stream_id}-{epoch}/`); ' +
        '`startover_window_seconds`: 0–1209600 (default 3600); `key_rotation_interval`: 0 = no rotation, else 60–86400 (default 60); ' +
        '`max_session_seconds` (60–604800, 0 = none) and `idle_stop_seconds` (60–86400, 0 = never): this session only (default: the record\'s).',
    ),
  );

export const ChimeBodySchema = z.strictObject({
  chime_url: ChimeUrlSchema.check(z.describe('The meeting URL (absolute http(s)); `broadcast=true` is added when missing.')),
});

const SplitSectionSchema = z
  .strictObject({
    start: z.number().check(z.gte(0), z.describe('Seconds from the start of the session recording.')),
    end: z.number().check(z.gte(0)),
  })
  .check(z.refine((s) => s.end > s.start, { path: ['end'], message: 'end must be greater than start' }));

export const SplitBodySchema = z.strictObject({
  timestamp_list: z.array(SplitSectionSchema).check(z.minLength(1), z.maxLength(100)),
  session_id: z.string().check(z.minLength(1), z.maxLength(128), z.describe('A key of the stream\'s `archives_path`.')),
  name_modifier: z
    .optional(z.string().check(z.regex(NAME_MODIFIER_PATTERN, 'must match [A-Za-z0-9_-]{1,64}')))
    .check(z.describe('Default: 32 random hex chars.')),
});

export const ScheduleBodySchema = z
  .strictObject({
    action: z.enum(SCHEDULE_ACTIONS),
    at: z.string().check(z.describe('ISO-8601 UTC, between now + 10 s and one year ahead, e.g. 2026-05-01T09:00:00Z.')),
    start_options: z.optional(StartBodySchema).check(z.describe('The start body\'s fields (start only).')),
  })
  .check(
    z.refine((body) => body.action === 'start' || body.start_options === undefined, {
      path: ['start_options'],
      message: 'only a start takes start_options',
    }),
  );
export const SchedulePathSchema = z.object({ id: HexIdSchema, schedule_id: HexIdSchema });
export const ScheduleViewSchema = z.omit(ScheduleSchema, { start_options: true });
export const ScheduleListSchema = z.array(ScheduleViewSchema);

/** Routes that take no body accept none or `{}`; a JSON `null` is a body, and not an object (400). */
export const NoBodySchema = z.strictObject({});

export const StreamListSchema = z.array(StreamRecordSchema);
export const SplitAcceptedSchema = z.object({
  execution_id: z.string().check(z.describe('The split execution\'s ARN (`GET /streams/{id}/executions/{execution_id}` follows it).')),
  outputs: z.array(SplitOutputSchema).check(z.describe('One per `timestamp_list` item, in order.')),
});
export const ExecutionListSchema = z.array(ExecutionSummarySchema);
/** `GET …/executions/{execution_id}`: exported here so the API's clients (console/, cli/) read it from the API. */
export { ExecutionDetailSchema };

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.values(ERROR_CODES)).check(z.describe('One per status (see Errors).')),
    message: z.string().check(z.describe('What is wrong, for a person; a 409 names the state, a 500 carries the request id.')),
    details: z
      .optional(
        z.array(
          z.object({
            path: z.string().check(z.describe('The field, dotted from the body (`timestamp_list.1.end`), or `path.…`/`headers.…`.')),
            message: z.string(),
          }),
        ),
      )
      .check(z.describe('For a validation error: each field that is wrong.')),
  }),
});

/** The named schemas of the OpenAPI document (`#/components/schemas/{id}`). */
export const schemas = z.registry<{ id: string }>();
schemas.add(StreamRecordSchema, { id: 'StreamRecord' });
schemas.add(StreamListSchema, { id: 'StreamList' });
schemas.add(CreateStreamBodySchema, { id: 'CreateStreamBody' });
schemas.add(UpdateStreamBodySchema, { id: 'UpdateStreamBody' });
schemas.add(StartBodySchema, { id: 'StartBody' });
schemas.add(ChimeBodySchema, { id: 'ChimeBody' });
schemas.add(ScheduleBodySchema, { id: 'ScheduleBody' });
schemas.add(ScheduleViewSchema, { id: 'Schedule' });
schemas.add(SplitBodySchema, { id: 'SplitBody' });
schemas.add(SplitAcceptedSchema, { id: 'SplitAccepted' });
schemas.add(ExecutionSummarySchema, { id: 'ExecutionSummary' });
schemas.add(ExecutionListSchema, { id: 'ExecutionList' });
schemas.add(ExecutionDetailSchema, { id: 'ExecutionDetail' });
schemas.add(ErrorBodySchema, { id: 'Error' });
