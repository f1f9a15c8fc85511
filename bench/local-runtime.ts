/**
 * Benchmark of the local runtime as `npm start` runs it (a separate process, real workflow waits):
 * time to ready (`npm start` itself, its first start with no cached workflows and later ones),
 * create → idle, start → running minus LOCAL_CHANNEL_START_SECONDS, resident memory of the runtime
 * and its children idle and with three channels each receiving a 720p publish, and the CPU each
 * running channel costs. Prints a Markdown table for docs/BENCHMARKS.md.
 *
 *   npx tsx bench/local-runtime.ts [seconds of publish to sample, default 30] [--checkout DIR …]
 *
 * `--checkout DIR` measures another checkout of the project the same way (its own `npm start`
 * and `local/main.ts`; it needs its node_modules), e.g. the commit before a change. Given more
 * than once, the starts of all of them are timed in turns (so a busy moment of the machine falls
 * on each alike) and the rest is measured on the first:
 *   git worktree add /tmp/before b8e802d && (cd /tmp/before && npm ci)
 *   npx tsx bench/local-runtime.ts --checkout . --checkout /tmp/before
 */
import '../core/lambda/polyfills';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mediaTools } from '../local/ffmpeg';
import { spawnManaged, type ManagedProcess } from '../local/processes';
import { StreamRecordSchema } from '../core/domain/record';
import { WORKFLOW_CACHE_FILE } from '../local/stepfunctions/workflow-cache';
import { apiCaller, apiUrlOf, until, untilState as untilStateOf } from './api';
import { median } from '../test/infra/bundles';

const args = parseArgs({ allowPositionals: true, options: { checkout: { type: 'string', multiple: true } } });
const SAMPLE_SECONDS = Number(args.positionals[0] ?? 30);
const CHECKOUTS = (args.values.checkout ?? [fileURLToPath(new URL('..', import.meta.url))]).map((dir) => resolve(dir));
const CHECKOUT = CHECKOUTS[0];
const START_SECONDS = 3;
const CHANNELS = 3;
const TICKS_PER_SECOND = 100;
/** Starts timed per kind (first start / cached); the median is reported. */
const READY_RUNS = 3;

const runtimeEnv = (dataDir: string) => ({
  ...process.env,
  PORT: '0',
  RTMP_PORT: '0',
  MEDIA_PORT: '0',
  S3_PORT: '0',
  LOCAL_DATA_DIR: dataDir,
  LOCAL_CHANNEL_START_SECONDS: String(START_SECONDS),
});

/**
 * `npm start` in the checkout, on a fresh data directory, from its spawn until `/healthz` answers
 * 200 (polled every 20 ms), then Ctrl-C to its process group as a terminal sends it. With
 * `firstStart`, the workflow cache is removed first: the start after a clone or after a change to
 * the workflows (a checkout without the cache, e.g. the one before it existed, always starts so).
 */
async function timeNpmStart(checkout: string, firstStart: boolean): Promise<number> {
  if (firstStart) rmSync(join(checkout, WORKFLOW_CACHE_FILE), { force: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ready-'));
  const spawnedAt = performance.now();
  const npm = spawn('npm', ['start', '--silent'], { cwd: checkout, env: runtimeEnv(dataDir), detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => npm.once('exit', r));
  try {
    const api = await apiUrlOf(npm);
    await until(async () => (await fetch(`${api}/healthz`)).ok, 'healthz', { stepMs: 20 });
    return performance.now() - spawnedAt;
  } finally {
    process.kill(-npm.pid!, 'SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const commitOf = (checkout: string) => spawnSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || checkout;
const starts = CHECKOUTS.map((checkout) => ({ checkout, first: [] as number[], cached: [] as number[] }));
for (let i = 0; i < READY_RUNS; i++) {
  for (const { checkout, first, cached } of starts) {
    first.push(await timeNpmStart(checkout, true));
    cached.push(await timeNpmStart(checkout, false));
  }
}
const readyLoad = loadavg()[0];

const dir = mkdtempSync(join(tmpdir(), 'bench-runtime-'));
// The rest is measured on node itself (npm's and tsx's launchers would add ~125 MB that is not the runtime's).
const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], { cwd: CHECKOUT, env: runtimeEnv(dir), stdio: ['ignore', 'pipe', 'inherit'] });
const api = await apiUrlOf(child);
await until(async () => (await fetch(`${api}/healthz`)).ok, 'healthz');

const call = apiCaller(api);

const untilState = (id: string, state: string) => untilStateOf(call, id, state);

/** The runtime's process and every descendant (s3rver, ffmpeg pipelines, their watchdogs). */
function tree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) for (const [pid, ppid] of parents) if (ppid === all[i]) all.push(pid);
  return all;
}

function sample(pids: number[]): { rssMb: number; cpuSeconds: number } {
  let rssKb = 0;
  let ticks = 0;
  for (const pid of pids) {
    try {
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / TICKS_PER_SECOND };
}

/** CPU seconds per wall second and mean RSS of the runtime's tree over `seconds`. */
async function measure(seconds: number): Promise<{ cpu: number; rssMb: number }> {
  const first = sample(tree(child.pid!));
  const rss: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(sample(tree(child.pid!)).rssMb);
  }
  const last = sample(tree(child.pid!));
  return { cpu: (last.cpuSeconds - first.cpuSeconds) / seconds, rssMb: rss.reduce((a, b) => a + b, 0) / rss.length };
}

function publish720p(url: string, seconds: number): ManagedProcess {
  const { ffmpeg } = mediaTools();
  return spawnManaged(
    ffmpeg.path,
    ['-hide_banner', '-nostats', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '3M', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', url],
    { name: 'bench publisher', env: ffmpeg.env },
  );
}

const rows: [string, string][] = [];
try {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const runs = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(1)).join(', ');
  for (const { checkout, first, cached } of starts) {
    const of = CHECKOUTS.length > 1 ? `, ${commitOf(checkout)}` : '';
    rows.push([`time to ready (\`npm start\` → \`/healthz\` 200), first start: no cached workflows${of} (median of ${READY_RUNS}: ${runs(first)})`, seconds(median(first))]);
    rows.push([`time to ready (\`npm start\` → \`/healthz\` 200), workflows cached${of} (median of ${READY_RUNS}: ${runs(cached)})`, seconds(median(cached))]);
  }
  rows.push(['machine load average while timing the starts (1 min)', readyLoad.toFixed(1)]);
  const idle = await measure(10);
  rows.push(['resident memory, idle (runtime + children)', `${idle.rssMb.toFixed(0)} MB`]);

  const ids: string[] = [];
  const createMs: number[] = [];
  const startMs: number[] = [];
  for (let i = 0; i < CHANNELS; i++) {
    const t = Date.now();
    const created = await call('POST', '/streams', { name: `bench ${i}`, segment_length: 10 }, StreamRecordSchema);
    await untilState(created.id, 'idle');
    createMs.push(Date.now() - t);
    ids.push(created.id);
  }
  const records = [];
  for (const id of ids) {
    const t = Date.now();
    await call('POST', `/streams/${id}/start`, {});
    records.push(await untilState(id, 'running'));
    startMs.push(Date.now() - t - START_SECONDS * 1000);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length / 1000;
  rows.push(['create → idle (mean of 3)', `${mean(createMs).toFixed(1)} s`]);
  rows.push([`start → running minus LOCAL_CHANNEL_START_SECONDS (${START_SECONDS} s), mean of 3`, `${mean(startMs).toFixed(1)} s`]);

  const publishers = records.map((r) => publish720p(r.rtmp1, SAMPLE_SECONDS + 25));
  await new Promise((r) => setTimeout(r, 15_000)); // pipelines up and in their steady state
  const busy = await measure(SAMPLE_SECONDS);
  rows.push([`resident memory, ${CHANNELS} channels each receiving 720p30`, `${busy.rssMb.toFixed(0)} MB`]);
  rows.push(['CPU per running channel receiving 720p30 (cores)', `${((busy.cpu - idle.cpu) / CHANNELS).toFixed(2)}`]);
  // On a shared machine the runtime gets what is left: the load says how much that was.
  rows.push(['machine load average while sampling (1 min)', loadavg()[0].toFixed(1)]);
  await Promise.all(publishers.map((p) => p.stop()));
  for (const id of ids) await call('POST', `/streams/${id}/stop`);
  for (const id of ids) await untilState(id, 'idle');
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nMeasured ${new Date().toISOString().slice(0, 10)}, ${CHECKOUT} at ${commitOf(CHECKOUT)}, on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${mediaTools().ffmpeg.source} ffmpeg:\n`);
console.log('| measure | value |\n|---|---|');
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
