// `npm start`: the whole system on 127.0.0.1 with no AWS account. Polyfills first: the local
// Step Functions engine needs Promise.withResolvers, which Node 20 lacks.
import '../core/lambda/polyfills';
import { describeMediaTools } from './ffmpeg';
import { startRuntime, type Runtime } from './runtime';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function banner(runtime: Runtime): string {
  const e = runtime.endpoints;
  return [
    '',
    'FrontMaster Live Stream — local runtime is up',
    `  Console      ${e.console}   (open it in a browser)`,
    `  API          ${e.api}   (GET ${e.healthz}, contract ${e.api}/openapi.json)`,
    `  RTMP ingest  ${e.rtmp}/live/{key}   (each stream's rtmp1 / rtmp2)`,
    `  HLS          ${e.media}/out/v1/{endpoint}/index.m3u8   live alias ${e.media}/live/{stream_id}/index.m3u8`,
    `  S3           ${e.s3}/{bucket}/{key}   (path-style, plain GET)`,
    `  Data         ${e.dataDir}`,
    ...describeMediaTools().map((line) => `  ${line}`),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let runtime: Runtime;
  try {
    runtime = await startRuntime();
  } catch (err) {
    process.stderr.write(`local runtime failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`${banner(runtime)}\n`);

  // One Ctrl-C can arrive more than once: the terminal signals the whole process group, and npm and
  // tsx relay what they get to their child as well. A repeat within this window is that echo; a
  // later one is the operator insisting, and ends the process without waiting.
  const ECHO_MS = 2000;
  let stoppingSince: number | undefined;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stoppingSince !== undefined) {
        if (Date.now() - stoppingSince < ECHO_MS) return;
        process.stderr.write('a second signal while stopping: ending now\n');
        process.exit(1);
      }
      stoppingSince = Date.now();
      process.stdout.write(`\n${signal}: stopping the local runtime (again to force)…\n`);
      runtime.close().then(
        () => {
          process.stdout.write('local runtime stopped\n');
          process.exit(0);
        },
        (err: unknown) => {
          process.stderr.write(`local runtime stopped with an error: ${String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

await main();
