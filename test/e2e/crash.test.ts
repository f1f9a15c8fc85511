import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { parseArchivePath } from '../../core/domain/archive-path';
import type { StreamRecord } from '../../core/domain/record';
import { SplitAcceptedSchema } from '../../api/schemas';
import { bodyOf, recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { expectNoSurvivors, startChildRuntime, type ChildRuntime } from './child-runtime';
import { STEP_MS } from './harness';
import type { ProcessInfo } from './process-table';

/**
 * kill -9 of `npm start` in the middle of each kind of work, then `npm start` again on the same
 * data directory. After each restart: no stream claims a transitional state or a connector, the
 * interrupted workflow's stream says so in `last_error` (naming the execution), every execution
 * that was running is ABORTED, nothing the killed runtime started is still alive, and every archive
 * segment ffmpeg had closed is in the local S3.
 *
 * One data directory throughout: each restarted runtime is the next crash's victim, so five
 * crashes cost six starts. `API_WAIT_SECONDS=0` makes every action answer at once, with the
 * workflow still running: the moment to kill.
 */
const ENV = { API_WAIT_SECONDS: '0', LOCAL_CHANNEL_START_SECONDS: '1' };
const TRANSITIONAL = ['creating', 'starting', 'stopping', 'deleting'];
const SEGMENT_LENGTH = 2;
/** A meeting URL of the form operators use: unreachable offline, so the connector streams its test pattern. */
const MEETING = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=mjg-test-connector-meeting';

let dataDir: string;
let rt: ChildRuntime;
let crashes = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'e2e-crash-'));
  rt = await startChildRuntime(dataDir, ENV);
}, STEP_MS);

afterAll(() => {
  rt?.kill();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`chaos: crashes survived: ${crashes}\n`);
});

interface ClosedSegment {
  pipeline: number;
  counter: number;
}

interface Wreck {
  descendants: ProcessInfo[];
  /** Execution ARNs that were RUNNING, from the local Step Functions' own files. */
  running: string[];
  /** Archive segments ffmpeg had closed (listed in its segment list), by media endpoint. */
  closed: Map<string, ClosedSegment[]>;
}

function runningExecutions(): string[] {
  const dir = join(dataDir, 'stepfunctions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { executionArn: string; status: string })
    .filter((e) => e.status === 'RUNNING')
    .map((e) => e.executionArn);
}

/**
 * What ffmpeg's segment muxer lists in `media/{endpoint}/archive-{n}/*.csv`: a segment is listed
 * once it is closed (complete), which is when MediaLive's archive output makes it visible in S3.
 */
function closedSegments(): Map<string, ClosedSegment[]> {
  const closed = new Map<string, ClosedSegment[]>();
  const media = join(dataDir, 'media');
  if (!existsSync(media)) return closed;
  for (const endpoint of readdirSync(media)) {
    for (const dir of readdirSync(join(media, endpoint)).filter((d) => /^archive-\d+$/.test(d))) {
      const pipeline = Number(dir.slice('archive-'.length));
      for (const list of readdirSync(join(media, endpoint, dir)).filter((f) => f.endsWith('.csv'))) {
        for (const line of readFileSync(join(media, endpoint, dir, list), 'utf8').split('\n')) {
          const counter = /^archive\.(\d+)\.ts,/.exec(line)?.[1];
          if (counter) closed.set(endpoint, [...(closed.get(endpoint) ?? []), { pipeline, counter: Number(counter) }]);
        }
      }
    }
  }
  return closed;
}

/** kill -9 now, start again on the same data, and check what every crash must leave true. */
async function crashAndRestart(during: string): Promise<Wreck> {
  const wreck = await rt.crash((descendants) => ({ descendants, running: runningExecutions(), closed: closedSegments() }));
  rt = await startChildRuntime(dataDir, ENV);
  await expectNoSurvivors(wreck.descendants, `the runtime killed during ${during}`);

  const streams = (await rt.api('GET', '/streams')).body as StreamRecord[];
  for (const stream of streams) {
    expectWithMessage(TRANSITIONAL, `stream ${stream.name} after a crash during ${during}`).not.toContain(stream.state);
    expectWithMessage(stream.started, `stream ${stream.name} started`).toBe(false);
    expectWithMessage(stream.connector, `stream ${stream.name} connector`).toBeNull();
  }
  const executions = (
    await Promise.all(streams.map(async (s) => (await rt.api('GET', `/streams/${s.id}/executions`)).body as { execution_id: string; status: string }[]))
  ).flat();
  expect(executions.filter((e) => e.status === 'RUNNING')).toEqual([]);
  for (const arn of wreck.running) {
    expectWithMessage(executions.find((e) => e.execution_id === arn)?.status, `execution ${arn} after a crash during ${during}`).toBe('ABORTED');
  }
  crashes += 1;
  return wreck;
}

function interruptedBy(record: StreamRecord, action: string, wreck: Wreck): void {
  expectWithMessage(record.last_error, `stream ${record.name} last_error`).toMatchObject({ action });
  expectWithMessage(wreck.running, 'the interrupted execution was running at the kill').toContain(record.last_error!.execution_id);
}

async function createdIdle(name: string): Promise<StreamRecord> {
  const created = await rt.api('POST', '/streams', { name, segment_length: SEGMENT_LENGTH });
  expectWithMessage(created.status, JSON.stringify(created.body)).toBe(202);
  return rt.untilState(recordOf(created).id, 'idle');
}

async function started(id: string): Promise<StreamRecord> {
  expect((await rt.api('POST', `/streams/${id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
  return rt.untilState(id, 'running');
}

/** Whether the local S3 holds `key` (a plain GET, as the README's configuration table promises). */
async function stored(bucket: string, key: string): Promise<boolean> {
  const res = await fetch(`${rt.endpoints.s3}/${bucket}/${key}`, { method: 'HEAD' });
  return res.status === 200;
}

function archiveKey(prefix: string, segment: ClosedSegment): string {
  return `${prefix}archive_${segment.pipeline}.${String(segment.counter).padStart(6, '0')}.ts`;
}

describe('kill -9 of the local runtime, then a restart on the same data', () => {
  let recorded: StreamRecord;

  it(
    'during create: the stream is failed, saying so, its create ABORTED',
    async () => {
      const created = await rt.api('POST', '/streams', { name: 'crash during create' });
      expect(created.status).toBe(202);
      expect(recordOf(created).state).toBe('creating');
      const wreck = await crashAndRestart('create');
      const after = await rt.record(recordOf(created).id);
      expect(after.state).toBe('failed');
      interruptedBy(after, 'create', wreck);
    },
    STEP_MS,
  );

  it(
    'during start: the stream is idle, saying so, its start ABORTED',
    async () => {
      const idle = await createdIdle('crash during start');
      const starting = await rt.api('POST', `/streams/${idle.id}/start`);
      expect(starting.status).toBe(202);
      expect(recordOf(starting).state).toBe('starting');
      const wreck = await crashAndRestart('start');
      const after = await rt.record(idle.id);
      expect(after.state).toBe('idle');
      interruptedBy(after, 'start', wreck);
    },
    STEP_MS,
  );

  it(
    'during a publish: no ffmpeg left, the stream idle, every closed archive segment in S3',
    async () => {
      const running = await started((await createdIdle('crash during publish')).id);
      const publisher = publish(running.rtmp1, 60);
      try {
        const { bucket, prefix } = parseArchivePath(running.archives_path[running.current_session_id!]);
        const segments = () => closedSegments().get(running.package_endpoint_id) ?? [];
        // The moment that matters: ffmpeg has closed a segment the runtime has not stored yet (or,
        // should storing ever become instant, enough segments to have had one).
        await waitFor(
          async () => {
            const closed = segments();
            return closed.length >= 6 || (closed.length >= 2 && !(await stored(bucket, archiveKey(prefix, closed.at(-1)!))));
          },
          STEP_MS,
          20,
        );
        const wreck = await crashAndRestart('a publish');
        expectWithMessage(wreck.descendants.map((p) => p.cmdline).join('\n'), 'the pipeline ffmpeg ran at the kill').toMatch(/ffmpeg .*-f tee/);
        recorded = await rt.record(running.id);
        const closed = wreck.closed.get(running.package_endpoint_id) ?? [];
        expect(closed.length).toBeGreaterThanOrEqual(2);
        const missing: string[] = [];
        for (const segment of closed) if (!(await stored(bucket, archiveKey(prefix, segment)))) missing.push(archiveKey(prefix, segment));
        expectWithMessage(missing, 'closed archive segments missing from S3 after the crash').toEqual([]);
        expect(recorded.state).toBe('idle');
        expect(recorded.last_error).toMatchObject({ action: 'start' });
      } finally {
        await publisher.stop();
      }
    },
    STEP_MS,
  );

  it(
    'during a split: its execution ABORTED, no transcode left running',
    async () => {
      const session = recorded.current_session_id!;
      const split = await rt.api('POST', `/streams/${recorded.id}/split`, { session_id: session, timestamp_list: [{ start: 0, end: SEGMENT_LENGTH * 1.5 }] });
      expectWithMessage(split.status, JSON.stringify(split.body)).toBe(202);
      const transcoding = await waitFor(() => Promise.resolve(rt.descendants().some((p) => /ffmpeg/.test(p.cmdline))), STEP_MS, 20);
      expectWithMessage(transcoding, 'a transcode ffmpeg ran').toBe(true);
      const wreck = await crashAndRestart('a split');
      expectWithMessage(wreck.descendants.some((p) => /ffmpeg/.test(p.cmdline)), 'the transcode ran at the kill').toBe(true);
      expect(wreck.running).toContain(bodyOf(split, SplitAcceptedSchema).execution_id);
      expect((await rt.record(recorded.id)).state).toBe('idle');
    },
    STEP_MS,
  );

  it(
    'during a connector start: no connector left on the record or in the process table',
    async () => {
      const running = await started(recorded.id);
      expect((await rt.api('POST', `/streams/${running.id}/chime_start`, { chime_url: MEETING })).status).toBe(202);
      const connecting = await waitFor(() => Promise.resolve(rt.descendants().some((p) => /entrypoint\.sh/.test(p.cmdline))), STEP_MS, 20);
      expectWithMessage(connecting, 'the connector process ran').toBe(true);
      const wreck = await crashAndRestart('a connector start');
      expectWithMessage(wreck.descendants.some((p) => /entrypoint\.sh/.test(p.cmdline)), 'the connector ran at the kill').toBe(true);
      const after = await rt.record(running.id);
      expect(after.state).toBe('idle');
      expect(after.last_error).not.toBeNull();
      expect(wreck.running.filter((arn) => arn.includes(':execution:fmls-chime_start:'))).toHaveLength(1);
    },
    STEP_MS,
  );

  it(
    'and the last one stops cleanly on SIGTERM, leaving nothing behind',
    async () => {
      const children = rt.descendants();
      expect(await rt.stop()).toBe(0);
      await expectNoSurvivors(children, 'the runtime stopped with SIGTERM');
    },
    STEP_MS,
  );
});
