// `npm start`: the whole system on 127.0.0.1 with no AWS account. Polyfills first: the local
// Step Functions engine needs Promise.withResolvers, which Node 20 lacks.
import '../core/polyfills';
import { describeMediaTools } from './ffmpeg';
import { startRuntime, type Runtime } from './runtime';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function banner(runtime: Runtime): string {
  const e = runtime.endpoints;
  return [
    '',
    'FrontMaster Live Stream — local runtime is up',
    `  API          ${e.api}   (GET ${e.healthz})`,
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

  let stopping = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write('stopping already; a second signal ends it now\n');
        process.exit(1);
      }
      stopping = true;
      process.stdout.write(`\n${signal}: stopping the local runtime…\n`);
      runtime.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`local runtime stopped with an error: ${String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

await main();
