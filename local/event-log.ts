import { EVENT_DATA_SCHEMAS, EVENT_SOURCE, StreamEventSchema, type EventData, type EventKind, type StreamEvent } from '../core/domain/events';
import { logger } from '../core/lambda/logger';
import type { LocalEventBridge } from './eventbridge';

/**
 * The local runtime's operator lines: each stream event (core/domain/events.ts, the same ones the
 * webhooks and EventBridge get) as one line at info, or warn/error for what went wrong. The events
 * are what an operator follows (state changes, the publisher, guards, schedules, split sections),
 * and they never carry a stream key, so the lines cannot either.
 */

export interface EventLine {
  level: 'info' | 'warn' | 'error';
  text: string;
}

type Describe<K extends EventKind> = (data: EventData<K>) => EventLine;

const info = (text: string): EventLine => ({ level: 'info', text });
const seconds = (n: number) => `${Number(n.toFixed(3))} s`;

function stateLine(data: EventData<'stream.running'>): EventLine {
  const was = data.previous_state ? ` (was ${data.previous_state})` : '';
  if (data.state === 'failed') {
    const why = data.last_error ? `: ${data.last_error.action} failed: ${data.last_error.message}` : '';
    return { level: 'error', text: `failed${was}${why}` };
  }
  const session = data.state === 'running' && data.session_id ? `, session ${data.session_id}` : '';
  const reason = data.state === 'idle' && data.stop_reason ? `, stop_reason ${data.stop_reason}` : '';
  return info(`${data.state}${was}${session}${reason}`);
}

const connectorName = (target: string) => (target === 'ivs' ? 'IVS connector' : 'Chime connector');

const DESCRIBE: { [K in EventKind]: Describe<K> } = {
  'stream.created': () => info('created'),
  'stream.starting': stateLine,
  'stream.running': stateLine,
  'stream.stopping': stateLine,
  'stream.idle': stateLine,
  'stream.failed': stateLine,
  'stream.deleting': stateLine,
  'stream.deleted': () => info('deleted'),
  'stream.live': (d) => info(`live at ${d.live_endpoint ?? '(no endpoint)'}`),
  'stream.unlive': () => info('taken off live'),
  'stream.input_connected': () => info('publisher connected'),
  'stream.input_disconnected': () => info('publisher disconnected'),
  'connector.running': (d) => info(`${connectorName(d.target)} running`),
  'connector.stopped': (d) => info(`${connectorName(d.target)} stopped`),
  'connector.failed': (d) => ({ level: 'error', text: `${connectorName(d.target)} failed: ${d.last_error?.message ?? 'no reason given'}` }),
  'schedule.fired': (d) => info(`scheduled ${d.action} fired (due ${d.at})`),
  'schedule.skipped': (d) => ({ level: 'warn', text: `scheduled ${d.action} skipped (due ${d.at}): ${d.error ?? 'no reason given'}` }),
  'split.section.done': (d) => info(`split section ${d.index + 1} (${seconds(d.start)}–${seconds(d.end)}) done: ${d.output ?? ''}`),
  'split.section.failed': (d) => ({ level: 'error', text: `split section ${d.index + 1} (${seconds(d.start)}–${seconds(d.end)}) failed: ${d.error ?? 'no reason given'}` }),
  'guard.stopped': (d) => ({
    level: 'warn',
    text: d.stop_reason === 'idle'
      ? `stopped by the idle guard: no input for ${d.idle_stop_seconds} s`
      : `stopped by the session guard: ran ${d.max_session_seconds} s`,
  }),
};

/** The line of one event (`detail` of the bus event), or undefined if it is not one of ours. */
export function eventLine(detail: unknown): EventLine | undefined {
  const event = StreamEventSchema.safeParse(detail);
  if (!event.success) return undefined;
  return describe(event.data, event.data.kind);
}

function describe<K extends EventKind>(event: StreamEvent, kind: K): EventLine | undefined {
  const data = EVENT_DATA_SCHEMAS[kind].safeParse(event.data);
  if (!data.success) return undefined;
  const line = DESCRIBE[kind](data.data as EventData<K>);
  return { level: line.level, text: `stream ${event.stream_id}: ${line.text}` };
}

/** Logs every stream event published on `bus` from now on, as a rule on the bus would get it. */
export function logStreamEvents(bus: LocalEventBridge): void {
  bus.subscribe({ source: [EVENT_SOURCE] }, (event) => {
    const line = eventLine(event.detail);
    if (line) logger[line.level](line.text);
    else logger.debug('a stream event of an unknown shape', { detailType: event['detail-type'] });
  });
}
