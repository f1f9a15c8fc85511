import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { logger } from '../../../core/lambda/logger';
import { localLogLevel } from '../../../local/env';
import { eventLine } from '../../../local/event-log';
import { formatLogLine, textPrinter } from '../../../local/log-text';

const level = logger.getLevelName();
afterEach(() => {
  logger.printTo(undefined);
  logger.setLogLevel(level);
  jest.restoreAllMocks();
});

/** The text lines written while `act` runs, with the printer `npm start` uses. */
function textLines(act: () => void): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  logger.printTo(textPrinter((line) => out.push(line), (line) => err.push(line)));
  act();
  return { out, err };
}

describe('the logger without a printer (the cloud)', () => {
  it("writes Powertools' JSON line, as before", () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    logger.error('a task failed', { streamId: 's1' });
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0])).toMatchObject({ level: 'ERROR', message: 'a task failed', service: 'frontmaster-live-stream', streamId: 's1' });
  });
});

describe('the text printer (npm start)', () => {
  it('prints `HH:MM:SS LEVEL message key=value`: the envelope left out, spaced strings quoted, errors as their message', () => {
    const line = formatLogLine({
      level: 'WARN',
      message: 'pipeline ffmpeg ended with an error',
      timestamp: '2026-12-02T14:05:09.123Z',
      service: 'frontmaster-live-stream',
      sampling_rate: 0,
      pipeline: 'p0',
      code: 1,
      detail: 'exit code 1',
      error: { name: 'Error', location: 'x.ts:1', message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(line).toMatch(/^\d\d:\d\d:\d\d WARN {2}pipeline ffmpeg ended with an error pipeline=p0 code=1 detail="exit code 1" error="Error: boom"$/);
  });

  it('sends info to stdout and warnings to stderr; debug only at LOG_LEVEL=debug', () => {
    logger.setLogLevel('INFO');
    const lines = textLines(() => {
      logger.info('stream s1: running');
      logger.warn('publish rejected');
      logger.debug('api request', { method: 'GET' });
    });
    expect(lines.out).toEqual([expect.stringMatching(/ INFO {2}stream s1: running$/)]);
    expect(lines.err).toEqual([expect.stringMatching(/ WARN {2}publish rejected$/)]);
    logger.setLogLevel('DEBUG');
    expect(textLines(() => logger.debug('api request', { method: 'GET' })).out).toEqual([expect.stringMatching(/ DEBUG api request method=GET$/)]);
  });

  it("shows the cloud tasks' input-alert line at debug only: locally an event line says it", () => {
    logger.setLogLevel('INFO');
    expect(textLines(() => logger.info('MediaLive input alert', { pipeline: '0' })).out).toEqual([]);
    logger.setLogLevel('DEBUG');
    expect(textLines(() => logger.info('MediaLive input alert', { pipeline: '0' })).out).toEqual([expect.stringMatching(/ DEBUG MediaLive input alert pipeline=0$/)]);
  });
});

describe('the operator line of a stream event', () => {
  const event = (kind: string, data: object) => ({ id: `s1:v2:${kind}`, kind, version: 1, stream_id: 's1', at: '2026-12-02T14:05:09.000Z', data });
  const state = { session_id: null, stop_reason: null, last_error: null };

  it('says the state change, why a stream failed, a guard stop, a split section', () => {
    expect(eventLine(event('stream.idle', { ...state, state: 'idle', previous_state: 'stopping', stop_reason: 'schedule' }))).toEqual({
      level: 'info',
      text: 'stream s1: idle (was stopping), stop_reason schedule',
    });
    expect(eventLine(event('stream.failed', { ...state, state: 'failed', previous_state: 'starting', last_error: { action: 'start', message: 'channel never ran', at: '1', execution_id: null } }))).toEqual({
      level: 'error',
      text: 'stream s1: failed (was starting): start failed: channel never ran',
    });
    expect(eventLine(event('guard.stopped', { stop_reason: 'idle', session_id: 'x', max_session_seconds: 21600, idle_stop_seconds: 1800 }))).toEqual({
      level: 'warn',
      text: 'stream s1: stopped by the idle guard: no input for 1800 s',
    });
    expect(eventLine(event('split.section.done', { execution_id: 'e', index: 0, start: 2, end: 12.5, state: 'done', output: 's3://b/k.mp4', error: null }))?.text).toBe(
      'stream s1: split section 1 (2 s–12.5 s) done: s3://b/k.mp4',
    );
  });

  it('is nothing for what is not one of our events', () => {
    expect(eventLine({ kind: 'stream.idle' })).toBeUndefined();
    expect(eventLine(event('stream.idle', { state: 'nonsense' }))).toBeUndefined();
  });
});

describe("npm start's log level", () => {
  it('is LOG_LEVEL in any case, POWERTOOLS_LOG_LEVEL first, INFO by default; anything else names the variable', () => {
    expect(localLogLevel({})).toBe('INFO');
    expect(localLogLevel({ LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(localLogLevel({ LOG_LEVEL: 'debug', POWERTOOLS_LOG_LEVEL: 'Warn' })).toBe('WARN');
    expect(() => localLogLevel({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL: "verbose" is not one of trace, debug, info, warn, error, critical, silent');
  });
});
