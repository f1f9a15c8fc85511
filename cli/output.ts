import type * as z from '../core/domain/zod';
import { redactText } from '../core/domain/redact';
import type { StreamRecord } from '../core/domain/record';
import type { ExecutionDetailSchema, ExecutionListSchema, ScheduleListSchema, SplitAcceptedSchema } from '../api/schemas';
import type { SplitProgressViewSchema } from '../api/split-progress-schemas';
import type { DeliveryListSchema, WebhookCreatedSchema, WebhookListSchema } from '../api/webhook-schemas';
import type { ObsSettings } from '../console/obs';

/**
 * The readable output (without `--json`): tables and `field  value` lines. Every value passes
 * through the API's own redaction, so the tables never show a stream key in an RTMP URL (`rtmp1`,
 * `rtmp_ivs`); `fmls streams obs` is the one readable output that shows it, on purpose. `--json`
 * prints the API's JSON as the API returns it, and the record the API returns carries the keys
 * (`rtmp1`, `rtmp2`): that is what a script publishing to the stream reads.
 */

/** Sections for people, numbered from 1 as the console numbers them ("section 1" is index 0). */
export const sectionNumber = (index: number): number => index + 1;

type Executions = z.infer<typeof ExecutionListSchema>;
type ExecutionDetail = z.infer<typeof ExecutionDetailSchema>;

/** A value for a person: `-` for nothing, epoch-second strings as UTC times, objects as compact JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return redactText(JSON.stringify(value));
}

const EPOCH_FIELDS = new Set(['last_update', 'last_started', 'last_stopped']);

function epoch(value: string | null): string {
  return value ? `${new Date(Number(value) * 1000).toISOString().replace('.000Z', 'Z')} (${value})` : '-';
}

/** Rows under a header row, columns padded to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers.map(String), ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** `field  value` lines; the fields named in `verbatim` are shown unredacted (a secret shown on purpose). */
export function fields(pairs: readonly (readonly [string, unknown])[], verbatim: ReadonlySet<string> = new Set()): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${verbatim.has(k) ? String(v) : cell(v)}`).join('\n');
}

export function streamList(streams: readonly StreamRecord[]): string {
  if (streams.length === 0) return 'no streams';
  return table(
    ['ID', 'NAME', 'STATE', 'LIVE', 'CONNECTOR', 'LAST UPDATE'],
    streams.map((s) => [s.id, s.name, s.state, s.live ? 'live' : '', s.connector ? `${s.connector.target} ${s.connector.state}` : '', epoch(s.last_update)]),
  );
}

export function streamRecord(stream: StreamRecord): string {
  return fields(Object.entries(stream).map(([k, v]) => [k, EPOCH_FIELDS.has(k) ? epoch(v as string | null) : v] as const));
}

/** OBS → Settings → Stream → Custom: the one output that shows stream keys. */
export function obs(primary: ObsSettings, backup: ObsSettings): string {
  return fields(
    [
      ['Server', primary.server],
      ['Stream key', primary.streamKey],
      ['Backup server', backup.server],
      ['Backup stream key', backup.streamKey],
    ],
    new Set(['Stream key', 'Backup stream key']),
  );
}

/** An execution's name: the last part of its ARN (`start-{stream}-v3`). */
export function executionName(executionId: string): string {
  return executionId.split(':').pop() ?? executionId;
}

export function executions(list: Executions): string {
  if (list.length === 0) return 'no executions';
  return table(
    ['EXECUTION', 'ACTION', 'STATUS', 'STARTED', 'STOPPED', 'STEP', 'ERROR'],
    list.map((e) => [executionName(e.execution_id), e.action, e.status, e.started_at, e.stopped_at, e.current_state, e.error ? `${e.error.error}: ${e.error.message}` : '']),
  );
}

export function executionDetail(e: ExecutionDetail): string {
  const head = fields([
    ['execution_id', e.execution_id],
    ['action', e.action],
    ['status', e.status],
    ['started_at', e.started_at],
    ['stopped_at', e.stopped_at],
    ['current_state', e.current_state],
    ['error', e.error ? `${e.error.error}: ${e.error.message}` : null],
  ]);
  const history = table(
    ['STATE', 'ENTERED', 'EXITED', 'STATUS'],
    e.history.map((h) => [h.state, h.entered_at, h.exited_at, h.status]),
  );
  return `${head}\n\n${history}`;
}

export function schedules(list: z.infer<typeof ScheduleListSchema>): string {
  if (list.length === 0) return 'no schedules';
  return table(
    ['SCHEDULE', 'ACTION', 'AT', 'STATE', 'EXECUTION / ERROR'],
    list.map((s) => [s.schedule_id, s.action, s.at, s.state, s.error ?? (s.execution_id ? executionName(s.execution_id) : '')]),
  );
}

export function splitAccepted(split: z.infer<typeof SplitAcceptedSchema>): string {
  return `execution_id  ${split.execution_id}\n\n${table(
    ['SECTION', 'INDEX', 'START', 'END', 'OUTPUT'],
    split.outputs.map((o) => [sectionNumber(o.index), o.index, o.start, o.end, o.output]),
  )}`;
}

export function splitProgress(split: z.infer<typeof SplitProgressViewSchema>): string {
  return `execution_id  ${split.execution_id}\nstatus        ${split.status}\n\n${table(
    ['SECTION', 'INDEX', 'START', 'END', 'STATE', 'DOWNLOAD / ERROR'],
    // `-` until there is a download_url or an error: the s3:// output is not something to download.
    split.sections.map((s) => [sectionNumber(s.index), s.index, s.start, s.end, s.state, s.download_url ?? s.error ?? null]),
  )}`;
}

export function webhooks(list: z.infer<typeof WebhookListSchema>): string {
  if (list.length === 0) return 'no webhooks';
  return table(
    ['WEBHOOK', 'URL', 'EVENTS', 'DESCRIPTION', 'CREATED'],
    list.map((w) => [w.webhook_id, w.url, w.events.join(','), w.description, w.created_at]),
  );
}

/** The one answer that carries the webhook's signing secret: shown once, as the API shows it once. */
export function webhookCreated(w: z.infer<typeof WebhookCreatedSchema>): string {
  const shown = fields(
    [
      ['webhook_id', w.webhook_id],
      ['url', w.url],
      ['events', w.events.join(',')],
      ['description', w.description],
      ['created_at', w.created_at],
      ['secret', w.secret],
    ],
    new Set(['secret']),
  );
  return `${shown}\n(the secret is shown only now: keep it where your receiver reads it)`;
}

export function deliveries(list: z.infer<typeof DeliveryListSchema>): string {
  if (list.length === 0) return 'no deliveries';
  return table(
    ['DELIVERY', 'EVENT', 'KIND', 'STARTED', 'STATUS', 'ATTEMPTS'],
    list.map((d) => [d.delivery_id, d.event_id, d.kind, d.started_at, d.status, d.attempts.length]),
  );
}
