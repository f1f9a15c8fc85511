import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  /** The s3rver child's process id. */
  readonly pid: number;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./s3rver-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * s3rver on 127.0.0.1:`port` with its objects under `directory` (they survive a restart) and
 * `buckets` made if missing. It runs as a child process (see `local/s3rver-process.ts` for why)
 * that exits with the runtime, however the runtime ends.
 */
export async function startS3(options: { port: number; directory: string; buckets: readonly string[] }): Promise<LocalS3> {
  const child = fork(CHILD, [JSON.stringify({ port: options.port, directory: options.directory, buckets: options.buckets })], {
    cwd: REPO_ROOT,
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches the runtime only, which stops the media
    // plane (its last archive segments still go to S3) before it closes S3.
    detached: true,
  });
  const exited = once(child, 'exit');
  const ready = once(child, 'message') as Promise<[{ port: number }]>;
  const first = await Promise.race([ready, exited.then(([code]) => ({ exitCode: code as number | null }))]);
  if (!Array.isArray(first)) throw new Error(`local S3 (s3rver) exited before it was ready (exit code ${first.exitCode})`);
  const port = first[0].port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      await exited;
    },
  };
}

