import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { waitFor } from '../fixtures/media';
import { apiClient, STEP_MS, type ApiClient } from './harness';
import { descendantsOf, survivorsOf, type ProcessInfo } from './process-table';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UP = 'Ctrl-C stops everything.';

export interface ChildEndpoints {
  api: string;
  rtmp: string;
  media: string;
  s3: string;
}

/**
 * `npm start` as a child process of the test (`node --import tsx local/main.ts`, one process, so
 * its pid is the runtime's own): what can be killed with -9, whose output and descendants can be
 * read, and which is started again on the same data directory.
 */
export interface ChildRuntime extends ApiClient {
  readonly pid: number;
  readonly endpoints: ChildEndpoints;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its descendants now (ffmpeg, s3rver, connectors and what they started). */
  descendants(): ProcessInfo[];
  /**
   * kill -9. First SIGSTOP, so that `snapshot` sees exactly what the runtime left behind (nothing
   * of the runtime moves between the look and the kill); then SIGKILL, and wait until it is gone.
   */
  crash<T>(snapshot: (descendants: ProcessInfo[]) => T): Promise<T>;
  /** SIGTERM (Ctrl-C's way), and its exit code once it has stopped. */
  stop(): Promise<number | null>;
  /** After a failed test: SIGKILL, without waiting (its children end with their pipes to it). */
  kill(): void;
}

/** `env` is laid over the test's own environment; an `undefined` value removes that variable. */
export async function startChildRuntime(dataDir: string, env: Record<string, string | undefined> = {}): Promise<ChildRuntime> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: REPO_ROOT,
    // Its own process group, as a shell runs `npm start`; 127.0.0.1 free ports, its own data.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', RTMP_PORT: '0', MEDIA_PORT: '0', S3_PORT: '0', LOCAL_DATA_DIR: dataDir, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let gone = false;
  void exited.then(() => (gone = true));

  const up = await waitFor(() => Promise.resolve(gone || output.includes(UP)), STEP_MS, 50);
  if (!up || gone) {
    if (!gone) child.kill('SIGKILL');
    throw new Error(`the local runtime did not come up:\n${output}`);
  }
  const endpoints = endpointsOf(output);
  const pid = child.pid!;
  return {
    ...apiClient(endpoints.api),
    pid,
    endpoints,
    output: () => output,
    descendants: () => descendantsOf(pid),
    async crash(snapshot) {
      child.kill('SIGSTOP');
      const seen = snapshot(descendantsOf(pid));
      child.kill('SIGKILL');
      await exited;
      return seen;
    },
    async stop() {
      child.kill('SIGTERM');
      return (await exited)[0];
    },
    kill() {
      if (!gone) child.kill('SIGKILL');
    },
  };
}

function endpointsOf(banner: string): ChildEndpoints {
  const find = (pattern: RegExp) => {
    const found = pattern.exec(banner)?.[1];
    if (!found) throw new Error(`no ${pattern} in the runtime's banner:\n${banner}`);
    return found;
  };
  return {
    api: find(/API\s+(http:\/\/127\.0\.0\.1:\d+)/),
    rtmp: find(/RTMP ingest\s+(rtmp:\/\/127\.0\.0\.1:\d+)/),
    media: find(/HLS\s+(http:\/\/127\.0\.0\.1:\d+)/),
    s3: find(/S3\s+(http:\/\/127\.0\.0\.1:\d+)/),
  };
}

/**
 * Waits until nothing of `processes` (and their groups) is alive; the assertion lists what is.
 * Orphans of a killed runtime end by themselves (their pipe to it closes), within the watchdog's
 * 5 s grace and ffmpeg's flush: waiting is for them to do so, the deadline bounds a hang.
 */
export async function expectNoSurvivors(processes: readonly ProcessInfo[], what: string): Promise<void> {
  await waitFor(() => Promise.resolve(survivorsOf(processes).length === 0), STEP_MS, 100);
  const left = survivorsOf(processes).map((p) => `${p.pid} (group ${p.pgid}): ${p.cmdline}`);
  expectWithMessage(left, `processes left behind by ${what}`).toEqual([]);
}
