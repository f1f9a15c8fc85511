import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import type { StreamRecord } from '../../core/domain/record';
import { ExecutionDetailSchema } from '../../core/aws/executions';
import { ExecutionListSchema, SplitAcceptedSchema } from '../../api/schemas';
import { bodyOf, recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { startChildRuntime, type ChildRuntime } from './child-runtime';
import { STEP_MS, type ApiReply } from './harness';
import type { ProcessInfo } from './process-table';

/**
 * After a whole lifecycle on `npm start` (create, start, publish, live and back, a Chime connector,
 * an IVS connector, stop, split, bad requests, delete), the stream keys (the key of `rtmp1` and
 * `rtmp2`) and the IVS stream key appear nowhere but the record's own fields and the services that
 * must hold them (`docs/ARCHITECTURE.md`, convention 8; `docs/API.md`: executions are redacted): not
 * in the runtime's log (at DEBUG, so every line it can write), not in any execution's input,
 * output or history (through the API and in the local Step Functions' files), not in an error
 * body, and not in the arguments of any process the runtime runs (`ps` shows those to every user),
 * sampled throughout.
 */
const MEETING = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=mjg-test-connector-meeting';
const SEGMENT_LENGTH = 2;

let dataDir: string;
let rt: ChildRuntime;
/** Every answer the API gave with a 4xx/5xx status, as text. */
const errorBodies: string[] = [];
/** The execution list and each execution's detail, as the API gave them, as text. */
const executionReplies: string[] = [];
/** Each distinct command line seen among the runtime's descendants. */
const commandLines = new Set<string>();
let sampler: NodeJS.Timeout | undefined;
let keys: { name: string; value: string }[] = [];
let connectorsSeen = 0;
const leaks: string[] = [];

function sampleProcesses(): ProcessInfo[] {
  const now = rt.descendants();
  for (const p of now) commandLines.add(p.cmdline);
  return now;
}

async function call(method: string, path: string, body?: unknown): Promise<ApiReply> {
  const reply = await rt.api(method, path, body);
  if (reply.status >= 400) errorBodies.push(JSON.stringify(reply.body));
  return reply;
}

/** The key of `rtmp://host:port/app/KEY` (or rtmps). */
function keyOf(url: string | null | undefined): string {
  const key = url?.split('/').pop();
  expectWithMessage(key, `no key in ${url}`).toBeTruthy();
  return key!;
}

/** Records each key found in `text`, under `place`. */
function scan(place: string, texts: Iterable<string>): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const key of keys) {
      const at = text.indexOf(key.value);
      // Where it was, with the key itself masked: the failure message is a log line too.
      if (at >= 0) found.push(`${key.name} in ${place}: …${text.slice(Math.max(0, at - 200), at + key.value.length + 40).replaceAll(key.value, `<${key.name}>`)}…`);
    }
  }
  leaks.push(...found);
  return found;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'e2e-secrets-'));
  // At debug as the README says to ask for it (the tests' own POWERTOOLS_LOG_LEVEL would win).
  rt = await startChildRuntime(dataDir, { POWERTOOLS_LOG_LEVEL: undefined, LOG_LEVEL: 'debug', LOCAL_CHANNEL_START_SECONDS: '1' });
  sampler = setInterval(sampleProcesses, 100);
}, STEP_MS);

afterAll(async () => {
  clearInterval(sampler);
  if (rt) expect(await rt.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`chaos: keys found: ${leaks.length}\n`);
}, STEP_MS);

async function connectorRunning(id: string, action: 'chime_start' | 'ivs_start'): Promise<StreamRecord> {
  expect((await call('POST', `/streams/${id}/${action}`, { chime_url: MEETING })).status).toBe(202);
  const running = await rt.until(id, `${action} connector running`, (r) => r.connector?.state === 'running');
  // Sampled here as well as by the timer: a connector's processes certainly run at this moment.
  if (sampleProcesses().some((p) => /entrypoint\.sh/.test(p.cmdline))) connectorsSeen += 1;
  return running;
}

async function connectorStopped(id: string, action: 'chime_stop' | 'ivs_stop'): Promise<void> {
  expect((await call('POST', `/streams/${id}/${action}`)).status).toBe(202);
  await rt.until(id, 'connector cleared', (r) => r.connector === null);
  // The record clears as soon as the task stops; the stop workflow still has its last write to
  // make. The next start waits for it (the race between them is `connector-races.test.ts`'s).
  const settled = await waitFor(async () => {
    const executions = (await rt.api('GET', `/streams/${id}/executions`)).body as { status: string }[];
    return executions.every((e) => e.status !== 'RUNNING');
  }, STEP_MS);
  expectWithMessage(settled, `${action} execution still running`).toBe(true);
}

describe('stream keys after a full lifecycle on the local runtime', () => {
  it(
    'runs the lifecycle: create, start, publish, live, chime, ivs, stop, split, bad requests, delete',
    async () => {
      const created = await call('POST', '/streams', { name: 'secrets', segment_length: SEGMENT_LENGTH });
      expect([201, 202]).toContain(created.status);
      const id: string = recordOf(created).id;
      const idle = await rt.untilState(id, 'idle');
      keys = [
        { name: 'rtmp1 key', value: keyOf(idle.rtmp1) },
        { name: 'rtmp2 key', value: keyOf(idle.rtmp2) },
      ];

      expect((await call('POST', `/streams/${id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
      const running = await rt.untilState(id, 'running');
      const session = running.current_session_id!;
      const publishers = [publish(running.rtmp1, 3 * SEGMENT_LENGTH + 2), publish(running.rtmp2, 3 * SEGMENT_LENGTH + 2)];
      try {
        const hls = await waitFor(async () => {
          const res = await fetch(running.viewer_endpoint);
          return res.ok && (await res.text()).includes('#EXTINF');
        }, STEP_MS);
        expectWithMessage(hls, 'the publish reached the viewer endpoint').toBe(true);
        expect((await call('POST', `/streams/${id}/live`)).status).toBe(204);
        expect((await call('DELETE', `/streams/${id}/live`)).status).toBe(204);

        // Bad requests, each naming what is wrong: none may echo a key.
        expect((await call('POST', `/streams/${id}`, { rtmp1: `${running.rtmp1}x` })).status).toBe(400);
        expect((await call('POST', `/streams/${id}`, { rtmp2: 'rtmp://elsewhere/live/other' })).status).toBe(400);
        expect((await call('POST', `/streams/${id}/start`)).status).toBe(409);
        expect((await call('POST', `/streams/${id}/chime_stop`)).status).toBe(409);
        expect((await call('POST', `/streams/${id}/ivs_start`, { chime_url: 'not a url' })).status).toBe(400);
        expect((await call('GET', `/streams/${id}/executions/no-such-execution`)).status).toBe(404);

        await connectorRunning(id, 'chime_start');
        await connectorStopped(id, 'chime_stop');
        const ivs = await connectorRunning(id, 'ivs_start');
        keys.push({ name: 'IVS stream key', value: keyOf(ivs.rtmp_ivs) });
        await connectorStopped(id, 'ivs_stop');
        for (const publisher of publishers) expect((await publisher.exited).code).toBe(0);
      } finally {
        await Promise.all(publishers.map((p) => p.stop()));
      }
      expect((await call('POST', `/streams/${id}/stop`)).status).toBe(202);
      await rt.untilState(id, 'idle');

      const split = await call('POST', `/streams/${id}/split`, { session_id: session, timestamp_list: [{ start: 0, end: SEGMENT_LENGTH * 1.5 }] });
      expectWithMessage(split.status, JSON.stringify(split.body)).toBe(202);
      const splitDone = await waitFor(async () => {
        const detail = await call('GET', `/streams/${id}/executions/${encodeURIComponent(bodyOf(split, SplitAcceptedSchema).execution_id)}`);
        const status = ExecutionDetailSchema.safeParse(detail.body).data?.status;
        return status && status !== 'RUNNING' ? status : undefined;
      }, STEP_MS);
      expect(splitDone).toBe('SUCCEEDED');

      const list = await call('GET', `/streams/${id}/executions`);
      expect(list.status).toBe(200);
      executionReplies.push(JSON.stringify(list.body));
      for (const execution of bodyOf(list, ExecutionListSchema)) {
        const detail = await call('GET', `/streams/${id}/executions/${encodeURIComponent(execution.execution_id)}`);
        expect(detail.status).toBe(200);
        executionReplies.push(JSON.stringify(detail.body));
      }
      expectWithMessage(executionReplies.length, 'every action ran an execution').toBeGreaterThanOrEqual(8);

      expect((await call('DELETE', `/streams/${id}`)).status).toBe(202);
      const gone = await waitFor(async () => ((await rt.api('GET', `/streams/${id}`)).status === 404 ? true : undefined), STEP_MS);
      expect(gone).toBe(true);
    },
    STEP_MS * 3,
  );

  it('not in the runtime log (stdout and stderr at DEBUG)', () => {
    expect(keys).toHaveLength(3);
    // The DEBUG log (every request's line is there), whose lines are npm start's text lines.
    expectWithMessage(rt.output(), 'the log is the DEBUG one').toMatch(/^\d\d:\d\d:\d\d DEBUG api request method=POST path=\/streams\/\w+\/start status=202/m);
    // It did speak of the RTMP URLs (the connectors log where they push), with their keys masked.
    expect(rt.output()).toMatch(/rtmps?:\/\/[^/\s]+\/[^/\s]+\/\*\*\*/);
    expect(scan('the runtime log', rt.output().split('\n'))).toEqual([]);
  });

  it('not in any execution input, output or history, through the API', () => {
    expect(executionReplies.length).toBeGreaterThan(0);
    expect(scan('an execution as the API shows it', executionReplies)).toEqual([]);
  });

  it("not in the local Step Functions' persisted executions and histories", () => {
    const dir = join(dataDir, 'stepfunctions');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(scan('the Step Functions files', files.map((f) => `${f}: ${readFileSync(join(dir, f), 'utf8')}`))).toEqual([]);
  });

  it('not in an error body', () => {
    expect(errorBodies.length).toBeGreaterThanOrEqual(6);
    expect(scan('an error body', errorBodies)).toEqual([]);
  });

  it('not in the arguments of any process the runtime ran, connectors included', () => {
    expectWithMessage(connectorsSeen, 'both connectors were sampled while they ran').toBe(2);
    expect(scan('the arguments of a process', commandLines)).toEqual([]);
  });
});
