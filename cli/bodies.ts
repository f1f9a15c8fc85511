import * as z from '../core/domain/zod';
import { scheduleTimeProblem } from '../core/domain/schedule';
import {
  ChimeBodySchema,
  CreateStreamBodySchema,
  ExecutionPathSchema,
  ScheduleBodySchema,
  SchedulePathSchema,
  SplitBodySchema,
  StartBodySchema,
  StreamPathSchema,
  UpdateStreamBodySchema,
} from '../api/schemas';
import { WebhookBodySchema, WebhookPathSchema } from '../api/webhook-schemas';
import { UsageError } from './errors';

/**
 * Command-line flags → request bodies, validated with the API's own zod schemas before anything is
 * sent, so a wrong flag is a usage error (exit 2) that names the flag, with the API's own words.
 * Commander hands over option values as strings (camelCased names); the body fields are the
 * API's snake_case names; one spelling rule links the two (`segment_length` ⇄ `--segment-length`),
 * with the few exceptions below.
 */

/** Options as commander parses them: strings, repeated options as arrays. */
export type Flags = Readonly<Record<string, string | readonly string[] | boolean | undefined>>;

type Kind = 'string' | 'number' | 'strings';

/** Body fields whose flag is not the field's own name. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  session_id: '--session',
  timestamp_list: '--section',
  chime_url: '--url',
  events: '--event',
};

export function flagOf(field: string): string {
  return FLAG_NAMES[field] ?? `--${field.replace(/_/g, '-')}`;
}

/** `--segment-length` → `segmentLength`, commander's key for it. */
function optionKey(field: string): string {
  return flagOf(field)
    .slice(2)
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function numberFlag(flag: string, raw: string): number {
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} must be a number, got "${raw}"`);
  return value;
}

/** The fields of `spec` that were given, converted to their kinds. */
function fieldsFrom(flags: Flags, spec: Readonly<Record<string, Kind>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(spec)) {
    const raw = flags[optionKey(field)];
    if (raw === undefined || typeof raw === 'boolean') continue;
    const values = typeof raw === 'string' ? [raw] : [...raw];
    if (kind === 'strings') body[field] = values;
    else if (kind === 'number') body[field] = numberFlag(flagOf(field), values[values.length - 1]);
    else body[field] = values[values.length - 1];
  }
  return body;
}

/** Where an issue's path points on the command line: `timestamp_list.1.end` → `--section #2 (end)`. */
function where(path: readonly PropertyKey[], names: Readonly<Record<string, string>>): string {
  if (path.length === 0) return 'arguments';
  const [field, index, ...rest] = path.map(String);
  const flag = names[field] ?? flagOf(field);
  if (index === undefined) return flag;
  const item = `${flag} #${Number(index) + 1}`;
  return rest.length > 0 ? `${item} (${rest.join('.')})` : item;
}

/**
 * `value` as `schema` takes it, or a usage error naming each wrong flag (`names`: fields that are
 * positional arguments, by the name the help shows).
 */
export function validated<S extends z.ZodMiniType>(schema: S, value: unknown, names: Readonly<Record<string, string>> = {}): z.infer<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${where(issue.path, names)}: ${issue.message}`);
  throw new UsageError(lines.join('\n'));
}

const GUARDS = { max_session_seconds: 'number', idle_stop_seconds: 'number' } as const;
const STREAM_FIELDS = { name: 'string', description: 'string', segment_length: 'number', ...GUARDS } as const;
const START_FIELDS = { path: 'string', startover_window_seconds: 'number', key_rotation_interval: 'number', ...GUARDS } as const;

export function createBody(flags: Flags) {
  return validated(CreateStreamBodySchema, fieldsFrom(flags, STREAM_FIELDS));
}

export function updateBody(flags: Flags) {
  const body = fieldsFrom(flags, STREAM_FIELDS);
  if (Object.keys(body).length === 0) {
    throw new UsageError(`nothing to update: give at least one of ${Object.keys(STREAM_FIELDS).map(flagOf).join(', ')}`);
  }
  return validated(UpdateStreamBodySchema, body);
}

/** The start body, or undefined when no option was given (the API's defaults apply). */
export function startBody(flags: Flags) {
  const body = fieldsFrom(flags, START_FIELDS);
  return Object.keys(body).length === 0 ? undefined : validated(StartBodySchema, body);
}

/** `START:END` in seconds (fractions allowed), e.g. `2:12.5`. */
function section(raw: string, n: number): { start: number; end: number } {
  const parts = raw.split(':');
  if (parts.length !== 2) throw new UsageError(`--section #${n} must be START:END in seconds (e.g. 2:12.5), got "${raw}"`);
  return { start: numberFlag(`--section #${n} start`, parts[0]), end: numberFlag(`--section #${n} end`, parts[1]) };
}

export function splitBody(flags: Flags) {
  const raw = flags.section;
  const given = typeof raw === 'string' ? [raw] : typeof raw === 'boolean' || raw === undefined ? [] : raw;
  const sections = given.map((s, i) => section(s, i + 1));
  return validated(SplitBodySchema, { ...fieldsFrom(flags, { session_id: 'string', name_modifier: 'string' }), timestamp_list: sections });
}

export function scheduleBody(flags: Flags, now: Date) {
  const body = validated(ScheduleBodySchema, fieldsFrom(flags, { action: 'string', at: 'string' }));
  // The API's own rule for `at` (pure, core/domain), checked here too so a typo costs no request.
  const problem = scheduleTimeProblem(body.at, now);
  if (problem) throw new UsageError(`--at ${problem}`);
  return body;
}

export function chimeBody(flags: Flags) {
  return validated(ChimeBodySchema, fieldsFrom(flags, { chime_url: 'string' }));
}

export function webhookBody(flags: Flags) {
  return validated(WebhookBodySchema, fieldsFrom(flags, { url: 'string', events: 'strings', description: 'string' }));
}

/** Positional ids, checked with the API's path schemas; returned encoded for a path. */
export function streamId(raw: string): string {
  return validated(StreamPathSchema, { id: raw }, { id: 'ID' }).id;
}

export function executionId(streamIdRaw: string, raw: string): string {
  const path = validated(ExecutionPathSchema, { id: streamIdRaw, execution_id: raw }, { id: 'ID', execution_id: 'EXECUTION_ID' });
  return encodeURIComponent(path.execution_id);
}

export function scheduleId(streamIdRaw: string, raw: string): string {
  return validated(SchedulePathSchema, { id: streamIdRaw, schedule_id: raw }, { id: 'ID', schedule_id: 'SCHEDULE_ID' }).schedule_id;
}

export function webhookId(raw: string): string {
  return validated(WebhookPathSchema, { id: raw }, { id: 'WEBHOOK_ID' }).id;
}
