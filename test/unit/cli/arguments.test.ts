import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { run } from '../../../cli/main';

// Command line → request: each command's arguments mapped to the API's method, path and body (the
// API's field names), checked with the API's own schemas before anything is sent. The CLI runs in
// process against a capturing endpoint on 127.0.0.1 (loopback: unsigned).

const ID = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let api: string;
let captured: Captured[] = [];
/** The next answer: the status and body the endpoint sends. */
let answer: { status: number; body?: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      if (answer.body === undefined) return res.writeHead(answer.status).end();
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  captured = [];
  answer = { status: 200, body: {} };
});

async function fmls(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(['--json', ...args], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { FMLS_API: api },
  });
  return { code, stdout, stderr };
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const ARN = `arn:aws:states:eu-west-1:123456789012:execution:fm-start:start-${ID}-v3`;

describe('fmls arguments → API requests', () => {
  const cases: [string, () => string[], string, string, unknown][] = [
    ['streams list', () => ['streams', 'list'], 'GET', '/streams', undefined],
    ['streams get', () => ['streams', 'get', ID], 'GET', `/streams/${ID}`, undefined],
    [
      'streams create, every flag',
      () => ['streams', 'create', '--name', 'Day 1', '--description', 'intro', '--segment-length', '10', '--max-session-seconds', '0', '--idle-stop-seconds', '60'],
      'POST',
      '/streams',
      { name: 'Day 1', description: 'intro', segment_length: 10, max_session_seconds: 0, idle_stop_seconds: 60 },
    ],
    ['streams update', () => ['streams', 'update', ID, '--name', 'Day 2', '--segment-length', '6'], 'POST', `/streams/${ID}`, { name: 'Day 2', segment_length: 6 }],
    ['streams start, no options: no body', () => ['streams', 'start', ID], 'POST', `/streams/${ID}/start`, undefined],
    [
      'streams start, every option',
      () => ['streams', 'start', ID, '--path', 's3://fem-livestream-archive/day1/', '--startover-window-seconds', '120', '--key-rotation-interval', '0', '--max-session-seconds', '3600', '--idle-stop-seconds', '0'],
      'POST',
      `/streams/${ID}/start`,
      { path: 's3://fem-livestream-archive/day1/', startover_window_seconds: 120, key_rotation_interval: 0, max_session_seconds: 3600, idle_stop_seconds: 0 },
    ],
    ['streams stop', () => ['streams', 'stop', ID], 'POST', `/streams/${ID}/stop`, undefined],
    ['streams live', () => ['streams', 'live', ID], 'POST', `/streams/${ID}/live`, undefined],
    ['streams unlive', () => ['streams', 'unlive', ID], 'DELETE', `/streams/${ID}/live`, undefined],
    ['streams delete', () => ['streams', 'delete', ID], 'DELETE', `/streams/${ID}`, undefined],
    [
      'split, sections in order',
      () => ['split', ID, '--session', OTHER, '--section', '2:12.5', '--section', '20:30', '--name-modifier', 'day1_part'],
      'POST',
      `/streams/${ID}/split`,
      { session_id: OTHER, timestamp_list: [{ start: 2, end: 12.5 }, { start: 20, end: 30 }], name_modifier: 'day1_part' },
    ],
    ['splits get, an ARN encoded', () => ['splits', 'get', ID, ARN], 'GET', `/streams/${ID}/splits/${encodeURIComponent(ARN)}`, undefined],
    ['schedules list', () => ['schedules', 'list', ID], 'GET', `/streams/${ID}/schedules`, undefined],
    ['schedules cancel', () => ['schedules', 'cancel', ID, OTHER], 'DELETE', `/streams/${ID}/schedules/${OTHER}`, undefined],
    ['executions list', () => ['executions', 'list', ID], 'GET', `/streams/${ID}/executions`, undefined],
    ['executions get, by name', () => ['executions', 'get', ID, `start-${ID}-v3`], 'GET', `/streams/${ID}/executions/start-${ID}-v3`, undefined],
    ['chime start', () => ['chime', 'start', ID, '--url', 'https://app.chime.aws/meetings/123'], 'POST', `/streams/${ID}/chime_start`, { chime_url: 'https://app.chime.aws/meetings/123' }],
    ['chime stop', () => ['chime', 'stop', ID], 'POST', `/streams/${ID}/chime_stop`, undefined],
    ['ivs start', () => ['ivs', 'start', ID, '--url', 'https://app.chime.aws/meetings/123'], 'POST', `/streams/${ID}/ivs_start`, { chime_url: 'https://app.chime.aws/meetings/123' }],
    ['ivs stop', () => ['ivs', 'stop', ID], 'POST', `/streams/${ID}/ivs_stop`, undefined],
    ['webhooks list', () => ['webhooks', 'list'], 'GET', '/webhooks', undefined],
    [
      'webhooks create, repeated --event',
      () => ['webhooks', 'create', '--url', 'https://hooks.example.com/fm', '--event', 'stream.running', '--event', 'stream.idle', '--description', 'ops'],
      'POST',
      '/webhooks',
      { url: 'https://hooks.example.com/fm', events: ['stream.running', 'stream.idle'], description: 'ops' },
    ],
    ['webhooks delete', () => ['webhooks', 'delete', ID], 'DELETE', `/webhooks/${ID}`, undefined],
    ['webhooks deliveries', () => ['webhooks', 'deliveries', ID], 'GET', `/webhooks/${ID}/deliveries`, undefined],
  ];

  it.each(cases)('%s', async (_name, args, method, path, body) => {
    answer = { status: 200, body: method === 'GET' && !path.includes('splits') && !/executions\/.+/.test(path) ? [] : {} };
    const result = await fmls(...args());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(captured[0]).toMatchObject({ method, url: path, body });
    // Writes say they are JSON (the API answers 415 otherwise); no signing on loopback.
    if (method !== 'GET') expect(captured[0].headers['content-type']).toBe('application/json');
    expect(captured[0].headers.authorization).toBeUndefined();
  });

  it('schedules create sends the action and the time', async () => {
    const at = inAnHour();
    expect((await fmls('schedules', 'create', ID, '--action', 'stop', '--at', at)).code).toBe(0);
    expect(captured[0]).toMatchObject({ method: 'POST', url: `/streams/${ID}/schedules`, body: { action: 'stop', at } });
  });

  it("streams obs splits each pipeline's RTMP URL into OBS's Server and Stream key, and says when there is none yet", async () => {
    answer = { status: 200, body: { id: ID, state: 'idle', rtmp1: 'rtmp://10.0.0.1:1935/live/KEY-1', rtmp2: 'rtmp://10.0.0.2:1935/live/KEY-2' } };
    const shown = await fmls('streams', 'obs', ID);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({ server: 'rtmp://10.0.0.1:1935/live', stream_key: 'KEY-1', backup_server: 'rtmp://10.0.0.2:1935/live', backup_stream_key: 'KEY-2' });
    answer = { status: 200, body: { id: ID, state: 'creating', rtmp1: '', rtmp2: '' } };
    const none = await fmls('streams', 'obs', ID);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toBe(`fmls: stream ${ID} has no RTMP input yet (state creating)\n`);
  });

  it('passes --idempotency-key as the header of a write, and --api with a stage path', async () => {
    await fmls('--idempotency-key', 'retry-7', 'streams', 'stop', ID);
    expect(captured[0].headers['idempotency-key']).toBe('retry-7');
    const staged = await run(['--json', '--api', `${api}/prod/`, 'streams', 'list'], { stdout: { write: () => true }, stderr: { write: () => true }, env: {} });
    expect(staged).toBe(0);
    expect(captured[1].url).toBe('/prod/streams');
  });
});

describe('usage errors: exit 2, naming the flag, nothing sent', () => {
  const cases: [string, string[], RegExp][] = [
    ['a number that is not one', ['streams', 'create', '--name', 'x', '--segment-length', 'ten'], /^fmls: --segment-length must be a number, got "ten"$/m],
    ["a number out of the API's range", ['streams', 'create', '--name', 'x', '--segment-length', '0'], /^fmls: --segment-length: Too small: expected number to be >=1$/m],
    ['a name too long', ['streams', 'create', '--name', 'n'.repeat(129)], /^fmls: --name: Too big/m],
    ['a key rotation the API refuses', ['streams', 'start', ID, '--key-rotation-interval', '30'], /^fmls: --key-rotation-interval: /m],
    ['a path outside s3://', ['streams', 'start', ID, '--path', '/tmp/x'], /^fmls: --path: must be an s3:\/\/bucket\/prefix\/ URI$/m],
    ['a stream id that is not one', ['streams', 'stop', 'my-stream'], /^fmls: ID: must be 32 lowercase hex chars$/m],
    ['a section without its end', ['split', ID, '--session', OTHER, '--section', '5'], /^fmls: --section #1 must be START:END in seconds/m],
    ['a section that ends first', ['split', ID, '--session', OTHER, '--section', '0:1', '--section', '9:3'], /^fmls: --section #2 \(end\): end must be greater than start$/m],
    ['a name modifier with a space', ['split', ID, '--session', OTHER, '--section', '0:1', '--name-modifier', 'a b'], /^fmls: --name-modifier: must match/m],
    ['a schedule in the past', ['schedules', 'create', ID, '--action', 'start', '--at', '2020-01-01T00:00:00Z'], /^fmls: --at must be at least 10 s in the future$/m],
    ['a schedule action that is none', ['schedules', 'create', ID, '--action', 'pause', '--at', '2030-01-01T00:00:00Z'], /^fmls: --action: Invalid option/m],
    ['a meeting URL that is not one', ['chime', 'start', ID, '--url', 'not a url'], /^fmls: --url: /m],
    ['an unknown event kind', ['webhooks', 'create', '--url', 'https://h.example.com/', '--event', 'stream.nope'], /^fmls: --event #1: Invalid option/m],
    ['an update of nothing', ['streams', 'update', ID], /^fmls: nothing to update: give at least one of --name/m],
    ['a missing required flag', ['streams', 'create'], /required option '--name <name>' not specified/],
    ['an unknown flag', ['streams', 'list', '--bogus'], /unknown option '--bogus'/],
    ['an unknown command', ['stream', 'list'], /unknown command 'stream'/],
    ['a timeout that is none', ['--timeout', '0', 'streams', 'stop', ID, '--wait'], /^fmls: --timeout must be a positive number of seconds/m],
    ['an --api that is not a URL', ['--api', 'localhost:3000', 'streams', 'list'], /^fmls: --api must be an http\(s\) URL/m],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await fmls(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(captured).toEqual([]);
  });
});

describe('API errors: exit 1 with the API message', () => {
  it("prints the error and its field details, and with --json the API's error body", async () => {
    const body = { error: { code: 'ValidationError', message: 'invalid request body', details: [{ path: 'name', message: 'Too big' }] } };
    answer = { status: 400, body };
    const result = await fmls('streams', 'create', '--name', 'x');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('fmls: 400 ValidationError: invalid request body\n  name: Too big\n');
    expect(JSON.parse(result.stdout)).toEqual(body);
  });

  it('says when the API cannot be reached', async () => {
    const result = await run(['streams', 'list'], { stdout: { write: () => true }, stderr: { write: (t: string) => (unreachable += t) }, env: { FMLS_API: 'http://127.0.0.1:1' } });
    expect(result).toBe(1);
    expect(unreachable).toMatch(/^fmls: cannot reach the API at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*is `npm start` running\?/);
  });
});

let unreachable = '';
