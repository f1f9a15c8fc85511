import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { logger, type LogPrinter } from '../core/lambda/logger';
import type { LocalLogLevel } from './env';

/**
 * `npm start`'s log: one short line per entry for the person at the terminal,
 * `14:05:09 INFO  stream 3f2a…: running (was starting)`, instead of Powertools' JSON (which the
 * cloud keeps, for CloudWatch Logs Insights). The level is `LOG_LEVEL` (or `POWERTOOLS_LOG_LEVEL`,
 * `localLogLevel` in env.ts): `debug` shows every request and the media plane's detail too.
 */

/** Powertools' own fields and the Lambda context's: on every line, of use to no one at a terminal. */
const ENVELOPE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'function_name',
  'function_memory_size',
  'function_arn',
  'function_request_id',
  'xray_trace_id',
]);

/**
 * Info lines the cloud's tasks write for CloudWatch that, locally, an operator's line already says
 * (`local/event-log.ts`: "publisher connected" for an input alert cleared): shown at debug only.
 */
const SAID_BY_EVENT_LINES = new Set(['MediaLive input alert']);

/** A value as `key=value` shows it: bare when that reads unambiguously, else as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  // An Error, as Powertools' formatter gives it ({name, location, message, stack}): its message.
  const error = value as { name?: unknown; message?: unknown; stack?: unknown };
  if (typeof error.message === 'string' && typeof error.stack === 'string') return JSON.stringify(`${String(error.name)}: ${error.message}`);
  return JSON.stringify(value);
}

/** `HH:MM:SS LEVEL message key=value …`, the time in the machine's zone. */
export function formatLogLine(attributes: Readonly<Record<string, unknown>>, levelName = String(attributes.level)): string {
  const at = new Date(typeof attributes.timestamp === 'string' ? attributes.timestamp : Date.now());
  const time = at.toTimeString().slice(0, 8);
  const extras = Object.entries(attributes)
    .filter(([key, value]) => !ENVELOPE.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${valueText(value)}`);
  return [time, levelName.padEnd(5), String(attributes.message), ...extras].join(' ');
}

/** Writes each line to `out` (debug and info) or `err` (warnings and errors), as Powertools' console does. */
export function textPrinter(out: (line: string) => void, err: (line: string) => void): LogPrinter {
  return (level, attributes) => {
    let levelName = String(attributes.level);
    if (level === LogLevelThreshold.INFO && SAID_BY_EVENT_LINES.has(String(attributes.message))) {
      if (logger.level > LogLevelThreshold.DEBUG) return;
      levelName = 'DEBUG';
    }
    (level >= LogLevelThreshold.WARN ? err : out)(formatLogLine(attributes, levelName));
  };
}

/** From now on this process logs text lines at `level` and above to its stdout and stderr. */
export function useTextLogs(level: LocalLogLevel): void {
  logger.setLogLevel(level);
  logger.printTo(
    textPrinter(
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    ),
  );
}
