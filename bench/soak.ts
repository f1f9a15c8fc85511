/**
 * Soak benchmark of the local runtime as `npm start` runs it (a separate process): does its main
 * process keep a flat memory under media work? Two parts, on one runtime:
 *
 * 1. churn: SOAK_CHURN (default 200) creates then deletes, 10 at a time; the main process's RSS
 *    and heap (after a full gc) before and after.
 * 2. soak: for SOAK_MINUTES (default 30), cycles of create → start → publish SOAK_PUBLISH_SECONDS
 *    (default 16) of 320×180 while playing its HLS → stop → split 4 s of the session → delete,
 *    sampling the main process's RSS and post-gc heap after every cycle.
 *
 * The runtime runs with `--expose-gc` and `bench/memory-probe.ts` preloaded, so the heap figures
 * are taken inside it after a collection. SOAK_SNAPSHOT_DIR=dir also writes a heap snapshot after
 * the first few creates, after the churn, after the soak's warm-up and at its end, to compare. Its log goes to a file (the path is printed). Prints
 * Markdown for docs/BENCHMARKS.md. Loads the machine: run it niced.
 *
 *   SOAK_MINUTES=30 nice -n 10 npx tsx bench/soak.ts
 */
import '../core/lambda/polyfills';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaTools } from '../local/ffmpeg';
import { publish } from '../test/fixtures/media';
import { SplitAcceptedSchema } from '../api/schemas';
import { ExecutionDetailSchema } from '../core/aws/executions';
import { StreamRecordSchema } from '../core/domain/record';
import { apiCaller, apiUrlOf, until as untilWithin, untilState as untilStateOf } from './api';

/** The soak polls every 200 ms: its cycles are long, and polls are load. */
const until = <T>(check: () => Promise<T | undefined | false>, what: string) => untilWithin(check, what, { stepMs: 200 });

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const CHURN = Number(process.env.SOAK_CHURN ?? 200);
const PUBLISH_SECONDS = Number(process.env.SOAK_PUBLISH_SECONDS ?? 16);
const SNAPSHOT_DIR = process.env.SOAK_SNAPSHOT_DIR;
const CHURN_BATCH = 10;
/** Cycles before the first snapshot: the runtime's caches, JIT and pools are warm by then. */
const WARM_UP_CYCLES = 3;
const MB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'bench-soak-'));
const logFile = join(tmpdir(), `bench-soak-${process.pid}.log`);
const log = createWriteStream(logFile);
const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', './bench/memory-probe.ts', 'local/main.ts'], {
  env: { ...process.env, PORT: '0', RTMP_PORT: '0', MEDIA_PORT: '0', S3_PORT: '0', LOCAL_DATA_DIR: dir, LOCAL_CHANNEL_START_SECONDS: '1' },
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
});
child.stderr!.pipe(log);
const api = await apiUrlOf(child, (chunk) => log.write(chunk), `; see ${logFile}`);
const call = apiCaller(api);

const untilState = (id: string, state: string) => untilStateOf(call, id, state);

const processRssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const untilGone = (id: string) =>
  until(async () => (await fetch(`${api}/streams/${id}`)).status === 404, `${id} deleted`);

/** One question to the probe inside the runtime; answers come back in order. */
let probing: Promise<unknown> = Promise.resolve();
function probe<T>(message: object): Promise<T> {
  const asked = probing.then(
    () =>
      new Promise<T>((resolve) => {
        child.once('message', (answer) => resolve(answer as T));
        child.send(message);
      }),
  );
  probing = asked.catch(() => {});
  return asked;
}

interface Memory {
  /** As the runtime runs (what `ps` shows), before the probe's gc. */
  liveRssMb: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
}
async function memory(): Promise<Memory> {
  const liveRssMb = processRssMb();
  const m = await probe<{ rss: number; heapUsed: number; external: number }>({ probe: 'memory' });
  return { liveRssMb, rssMb: m.rss / MB, heapMb: m.heapUsed / MB, externalMb: m.external / MB };
}

async function snapshot(name: string): Promise<void> {
  if (!SNAPSHOT_DIR) return;
  const { file } = await probe<{ file: string }>({ probe: 'snapshot', file: join(SNAPSHOT_DIR, `${name}.heapsnapshot`) });
  console.error(`heap snapshot: ${file}`);
}

async function createIdle(name: string, segmentLength: number): Promise<string> {
  const created = await call('POST', '/streams', { name, segment_length: segmentLength }, StreamRecordSchema);
  await untilState(created.id, 'idle');
  return created.id;
}

async function remove(id: string): Promise<void> {
  await call('DELETE', `/streams/${id}`);
  await untilGone(id);
}

async function churn(count: number): Promise<void> {
  for (let done = 0; done < count; done += CHURN_BATCH) {
    const batch = Math.min(CHURN_BATCH, count - done);
    const ids = await Promise.all(Array.from({ length: batch }, (_, i) => createIdle(`churn ${done + i}`, 10)));
    await Promise.all(ids.map(remove));
  }
}

/** create → start → publish (and play) → stop → split → delete. */
async function mediaCycle(n: number): Promise<void> {
  const id = await createIdle(`soak ${n}`, 4);
  await call('POST', `/streams/${id}/start`, {});
  const running = await untilState(id, 'running');
  const session = running.current_session_id;
  const publisher = publish(running.rtmp1, PUBLISH_SECONDS, 15);
  try {
    await until(async () => {
      const res = await fetch(running.viewer_endpoint);
      return res.ok && (await res.text()).includes('#EXTINF');
    }, `${id} playlist`);
    await publisher.exited;
  } finally {
    await publisher.stop();
  }
  await call('POST', `/streams/${id}/stop`);
  await untilState(id, 'idle');
  const split = await call('POST', `/streams/${id}/split`, { session_id: session, timestamp_list: [{ start: 1, end: 5 }] }, SplitAcceptedSchema);
  const execution = await until(async () => {
    const e = await call('GET', `/streams/${id}/executions/${encodeURIComponent(split.execution_id)}`, undefined, ExecutionDetailSchema);
    return e.status !== 'RUNNING' ? e : undefined;
  }, `${id} split`);
  if (execution.status !== 'SUCCEEDED') throw new Error(`split of ${id} ${execution.status}: ${JSON.stringify(execution.error)}`);
  await remove(id);
}

const fmt = (m: Memory) => `${m.liveRssMb.toFixed(0)} | ${m.rssMb.toFixed(0)} | ${m.heapMb.toFixed(1)} | ${m.externalMb.toFixed(1)}`;

const churnRows: [string, Memory][] = [];
const cycleRows: { cycle: number; minutes: number; seconds: number; memory: Memory; load: number }[] = [];
try {
  churnRows.push(['ready, before anything', await memory()]);
  // A few first, so what the first create compiles and caches is not counted as churn.
  await churn(CHURN_BATCH);
  await snapshot('ready');
  const churnStarted = Date.now();
  await churn(CHURN);
  await snapshot('churned');
  console.error(`churn of ${CHURN}: ${((Date.now() - churnStarted) / 1000).toFixed(0)} s`);
  churnRows.push([`after ${CHURN} creates + deletes`, await memory()]);

  const startedAt = Date.now();
  for (let n = 1; Date.now() - startedAt < MINUTES * 60_000; n++) {
    const t = Date.now();
    await mediaCycle(n);
    const row = { cycle: n, minutes: (Date.now() - startedAt) / 60_000, seconds: (Date.now() - t) / 1000, memory: await memory(), load: loadavg()[0] };
    cycleRows.push(row);
    console.error(`cycle ${n}: ${row.seconds.toFixed(0)} s, RSS ${row.memory.liveRssMb.toFixed(0)} MB (after gc ${row.memory.rssMb.toFixed(0)}), heap ${row.memory.heapMb.toFixed(1)} MB`);
    if (n === WARM_UP_CYCLES) await snapshot('warm');
  }
  await snapshot('end');
  churnRows.push([`after the soak, then ${CHURN} more creates + deletes`, await (async () => (await churn(CHURN), memory()))()]);
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nMeasured ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${mediaTools().ffmpeg.source} ffmpeg; runtime log: ${logFile}\n`);
console.log('Main process of the runtime (MB): RSS as it runs, then RSS, heap and external memory after a full gc:\n');
console.log('| when | RSS | RSS after gc | heap used | external |\n|---|---|---|---|---|');
for (const [when, m] of churnRows) console.log(`| ${when} | ${fmt(m)} |`);
console.log(`\nSoak: ${cycleRows.length} media cycles in ${MINUTES} min (create → start → publish ${PUBLISH_SECONDS} s → stop → split → delete):\n`);
console.log('| cycle | minute | cycle time (s) | RSS | RSS after gc | heap used | external | load (1 min) |\n|---|---|---|---|---|---|---|---|');
// Every cycle when few, else about 30 rows spread over the run, the last always.
const every = Math.max(1, Math.ceil(cycleRows.length / 30));
for (const [i, r] of cycleRows.entries()) {
  if (i % every !== 0 && i !== cycleRows.length - 1) continue;
  console.log(`| ${r.cycle} | ${r.minutes.toFixed(1)} | ${r.seconds.toFixed(0)} | ${fmt(r.memory)} | ${r.load.toFixed(1)} |`);
}
