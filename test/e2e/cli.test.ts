import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StreamRecord } from '../../core/domain/record';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { publish } from '../fixtures/media';
import { cliEnv, runCli, type CliResult } from './cli-run';
import { startTestRuntime, type TestRuntime } from './harness';

// `fmls` run as a process against one local runtime, through the README's CLI walkthrough: create,
// start --wait, OBS settings, live, publish, stop --wait, executions, split --wait to download URLs
// that answer, splits get, schedules create/list/cancel, delete --wait; and how it fails.

let local: TestRuntime;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  local = await startTestRuntime('cli');
  // The API from the environment, as docs/CLI.md tells operators to set it.
  env = cliEnv({ FMLS_API: local.runtime.endpoints.api });
}, 120_000);

afterAll(async () => local?.close(), 120_000);

const fmls = (...args: string[]) => runCli(args, env);

/** The run succeeded; else the assertion shows what it printed. */
function ok(result: CliResult): CliResult {
  expectWithMessage(result.code, `fmls exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
  return result;
}

describe('fmls against the local runtime', () => {
  it(
    "runs the README's walkthrough: create, start --wait (timed out, then resumed), obs, live, publish, stop --wait, executions, split --wait, splits get, schedules, delete --wait; usage and API errors; --json; --idempotency-key",
    async () => {
      // Create, twice with one idempotency key: the same stream, one of it.
      const create = ['--json', '--idempotency-key', 'cli-e2e-create-1', 'streams', 'create', '--name', 'cli workshop', '--segment-length', '2', '--wait'];
      const first = JSON.parse(ok(await fmls(...create)).stdout) as StreamRecord;
      expect(first).toMatchObject({ name: 'cli workshop', segment_length: 2, state: 'idle' });
      const again = JSON.parse(ok(await fmls(...create)).stdout) as StreamRecord;
      expect(again.id).toBe(first.id);
      const id = first.id;
      const listed = (await local.api('GET', '/streams')).body as StreamRecord[];
      expect(listed.filter((s) => s.name === 'cli workshop')).toHaveLength(1);

      // Start, too impatiently: --timeout passes while it is starting (exit 3, saying where it is).
      // The same request again (same idempotency key) replays the answer and follows the same
      // execution to running; the progress line on stderr names the state and the step.
      const start = ['--idempotency-key', 'cli-e2e-start-1', 'streams', 'start', id, '--startover-window-seconds', '120', '--wait'];
      const impatient = await fmls(...start, '--timeout', '0.2');
      expectWithMessage(impatient.code, impatient.stderr).toBe(3);
      expect(impatient.stderr).toMatch(new RegExp(`^fmls: timed out after \\d+s waiting for start of ${id}: state starting, step \\S`, 'm'));
      const started = ok(await fmls(...start));
      expect(started.stdout).toMatch(/^state\s+running$/m);
      expect(started.stdout).toMatch(/^startover_window_seconds\s+120$/m);
      expect(impatient.stderr).toMatch(new RegExp(`^start ${id.slice(0, 8)}: starting · \\d+s · \\S`, 'm'));
      // The resumed run may find it running already: it ends on that line either way.
      expect(started.stderr).toMatch(new RegExp(`^start ${id.slice(0, 8)}: running · \\d+s · \\S+`, 'm'));
      // The readable record hides the stream keys; `obs` is the one command that shows them.
      const record = await local.record(id);
      const key = record.rtmp1.slice(record.rtmp1.lastIndexOf('/') + 1);
      expect(started.stdout).not.toContain(key);
      expect(started.stdout).toMatch(/^rtmp1\s+rtmp:\/\/127\.0\.0\.1:\d+\/live\/\*\*\*$/m);

      const [obs, obsJson, live] = await Promise.all([fmls('streams', 'obs', id), fmls('--json', 'streams', 'obs', id), fmls('streams', 'live', id)]);
      expect(ok(obs).stdout).toMatch(new RegExp(`^Server\\s+${record.rtmp1.slice(0, record.rtmp1.lastIndexOf('/'))}$`, 'm'));
      expect(obs.stdout).toMatch(new RegExp(`^Stream key\\s+${key}$`, 'm'));
      expect(JSON.parse(ok(obsJson).stdout)).toMatchObject({ server: record.rtmp1.slice(0, record.rtmp1.lastIndexOf('/')), stream_key: key });
      expect(ok(live).stdout.trim()).toBe(`stream ${id} is live: ${(await local.record(id)).live_endpoint}`);

      // Publish as the README does, to `--json streams get`'s rtmp1 (the API's record, key included),
      // for 8 s of 2 s archive segments.
      const rtmp1 = (JSON.parse(ok(await fmls('--json', 'streams', 'get', id)).stdout) as StreamRecord).rtmp1;
      expect(rtmp1).toBe(record.rtmp1);
      const publisher = publish(rtmp1, 8);
      try {
        await publisher.exited;
      } finally {
        await publisher.stop();
      }

      // Stop and follow it to idle; then the executions it ran, newest first.
      const stopped = ok(await fmls('--json', 'streams', 'stop', id, '--wait'));
      expect(JSON.parse(stopped.stdout)).toMatchObject({ id, state: 'idle', stop_reason: 'operator' });
      const executions = ok(await fmls('executions', 'list', id)).stdout.trimEnd().split('\n');
      expect(executions[0]).toMatch(/^EXECUTION\s+ACTION\s+STATUS/);
      expect(executions.slice(1).map((line) => line.split(/\s+/).slice(1, 3).join(' '))).toEqual([
        'stop SUCCEEDED',
        'live SUCCEEDED',
        'start SUCCEEDED',
        'create SUCCEEDED',
      ]);

      // A usage error: exit 2 naming the flag, nothing sent. An API error: exit 1 with the API's message.
      const [usage, conflict, unknown] = await Promise.all([
        fmls('streams', 'start', id, '--key-rotation-interval', '30'),
        fmls('streams', 'stop', id),
        fmls('streams', 'get', '0'.repeat(32)),
      ]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/^fmls: --key-rotation-interval: /m);
      expect((await local.record(id)).state).toBe('idle');
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toContain("fmls: 409 StateConflict: cannot stop a stream in state 'idle'");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^fmls: 404 NotFound: /m);

      // Split two sections of the session and wait for them: each line ends with a download URL
      // that the local S3 answers; `splits get` shows the same, sections numbered from 1.
      const session = (await local.record(id)).current_session_id!;
      const split = ok(await fmls('split', id, '--session', session, '--section', '1:3', '--section', '4:6', '--wait'));
      const urls = [...split.stdout.matchAll(/http:\/\/127\.0\.0\.1:\d+\/\S+/g)].map((m) => m[0]);
      expectWithMessage(urls, split.stdout).toHaveLength(2);
      for (const url of urls) expect((await fetch(url)).status).toBe(200);
      const execution = /^execution_id\s+(\S+)$/m.exec(split.stdout)![1];
      const progress = ok(await fmls('splits', 'get', id, execution)).stdout;
      expect(progress).toMatch(/^SECTION\s+INDEX\s+START\s+END\s+STATE\s+DOWNLOAD \/ ERROR$/m);
      expect(progress).toMatch(new RegExp(`^1\\s+0\\s+1\\s+3\\s+done\\s+${urls[0].split('?')[0].replace(/[.?]/g, '\\$&')}`, 'm'));
      expect(progress).toMatch(/^2\s+1\s+4\s+6\s+done\s+http:/m);

      // A schedule: created, listed, cancelled by its id.
      const at = new Date(Date.now() + 120_000).toISOString();
      const schedule = JSON.parse(ok(await fmls('--json', 'schedules', 'create', id, '--action', 'start', '--at', at)).stdout) as { schedule_id: string };
      expect(ok(await fmls('schedules', 'list', id)).stdout).toMatch(new RegExp(`^${schedule.schedule_id}\\s+start\\s+\\S+\\s+scheduled`, 'm'));
      ok(await fmls('schedules', 'cancel', id, schedule.schedule_id));
      expect(ok(await fmls('schedules', 'list', id)).stdout).toMatch(new RegExp(`^${schedule.schedule_id}\\s+start\\s+\\S+\\s+cancelled`, 'm'));

      // Delete, followed until it is gone.
      ok(await fmls('streams', 'delete', id, '--wait'));
      expect((await local.api('GET', `/streams/${id}`)).status).toBe(404);
    },
    90_000,
  );
});
