/**
 * Benchmark: how long from `POST /streams/{id}/chime_start` until the record says the connector
 * is `running`, and until the stream's HLS has its first segment of the connector's feed, on the
 * local runtime (real workflow waits, real child processes). Also `ivs_start` to its own HLS, and
 * each stop until the connector is cleared. Prints a Markdown table for docs/BENCHMARKS.md.
 *
 *   npx tsx bench/connector.ts [runs]
 */
import '../core/lambda/polyfills';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../local/runtime';
import { StreamRecordSchema } from '../core/domain/record';
import { apiCaller, readRecord } from './api';

const RUNS = Number(process.argv[2] ?? 3);
const MEETING = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=bench';
const LIMIT_MS = 180_000;

const dir = mkdtempSync(join(tmpdir(), 'bench-connector-'));
const runtime = await startRuntime({ env: {}, PORT: 0, RTMP_PORT: 0, MEDIA_PORT: 0, S3_PORT: 0, LOCAL_DATA_DIR: dir, publishGraceMs: 2000 });

const api = apiCaller(runtime.endpoints.api);

/** Milliseconds from `since` until `check` holds, polling every 100 ms. */
async function timeUntil(since: number, what: string, check: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - since;
    if (Date.now() - since > LIMIT_MS) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const record = (id: string) => readRecord(api, id);
const hasSegment = async (url: string) => {
  const res = await fetch(url);
  return res.ok && (await res.text()).includes('#EXTINF');
};

type Row = { action: string; running: number; hls?: number; stop: number };
const rows: Row[] = [];
try {
  const { id } = await api('POST', '/streams', { name: 'bench' }, StreamRecordSchema);
  await timeUntil(Date.now(), 'idle', async () => (await record(id)).state === 'idle');
  await api('POST', `/streams/${id}/start`, { key_rotation_interval: 0 });
  await timeUntil(Date.now(), 'running', async () => (await record(id)).state === 'running');
  const { viewer_endpoint: viewer } = await record(id);

  for (let run = 0; run < RUNS; run++) {
    for (const action of ['chime', 'ivs'] as const) {
      // A fresh HLS each time: wait until the previous feed's playlist is gone or stale is not
      // knowable from outside, so HLS time is measured only where the playlist starts empty.
      const hlsUrl = action === 'chime' ? viewer : (await record(id)).ivs_viewer_endpoint;
      const measureHls = run === 0 && (!hlsUrl || !(await hasSegment(hlsUrl)));
      const t0 = Date.now();
      await api('POST', `/streams/${id}/${action}_start`, { chime_url: MEETING });
      const hlsDone = (async () => {
        if (!measureHls) return undefined;
        let url: string | null = hlsUrl;
        return timeUntil(t0, 'first HLS segment', async () => {
          url ??= (await record(id)).ivs_viewer_endpoint;
          return url !== null && (await hasSegment(url));
        });
      })();
      const running = await timeUntil(t0, `${action} connector running`, async () => (await record(id)).connector?.state === 'running');
      const hls = await hlsDone;
      const t1 = Date.now();
      await api('POST', `/streams/${id}/${action}_stop`);
      const stop = await timeUntil(t1, `${action} connector cleared`, async () => (await record(id)).connector === null);
      rows.push({ action: `${action}_start`, running, hls, stop });
      console.error(`${action}: running ${running} ms, first HLS ${hls ?? '-'} ms, stop ${stop} ms`);
    }
  }
} finally {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(1));
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${RUNS} run(s).\n`);
console.log('| action | → connector `running` (s) | → first HLS segment (s) | stop → connector cleared (s) |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(`| ${row.action} | ${s(row.running)} | ${s(row.hls)} | ${s(row.stop)} |`);
