import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';

/**
 * Child processes of the local runtime (ffmpeg above all) that must never outlive it.
 *
 * Every child runs in its own process group (so a terminal's Ctrl-C reaches only the runtime,
 * which then stops its children in order, letting ffmpeg flush), and every child learns of the
 * runtime's death through a pipe: when the runtime dies, even by `kill -9`, the kernel closes its
 * end and the child sees end-of-file. Two ways to turn that into an exit:
 *
 * - `watchdog` (default): a small `sh` runs the command and, at end-of-file on its stdin,
 *   sends it SIGTERM (then SIGKILL after 5 s). Works for any command.
 * - `stdin`: the command itself reads its stdin from the runtime and ends at end-of-file
 *   (ffmpeg reading `-i pipe:0`). This is also the graceful stop: closing the input lets ffmpeg
 *   write its trailers, which a signal cannot promise (the npm ffmpeg 2018 build resets its
 *   handler after the first signal and stays blocked on a silent input).
 */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  /** The process group leader: the watchdog shell, or the command itself in `stdin` mode. */
  readonly pid: number;
  /** In `stdin` mode, the command's input; ending it asks the command to finish. */
  readonly stdin: Writable | undefined;
  readonly exited: Promise<ProcessExit>;
  /** The last lines the command wrote to stderr (for error messages). */
  stderrTail(): string;
  /** Ask it to finish (close its pipe), wait, and kill the group if it does not within the timeout. */
  stop(): Promise<ProcessExit>;
}

export interface SpawnManagedOptions {
  /** Shown in logs and errors. */
  name: string;
  onExit?: (exit: ProcessExit) => void;
  onStderrLine?: (line: string) => void;
  parentDeath?: 'watchdog' | 'stdin';
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** How long {@link ManagedProcess.stop} waits before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
}

/**
 * `sh -c WATCHDOG name cmd args…`. fd 3 keeps the runtime's pipe for the watcher only; the command
 * gets /dev/null as stdin. SIGPIPE is ignored from then on: once the runtime is dead the shell's
 * own stderr is a broken pipe, and a message there must not kill it half way. When the command is gone the shell kills the watcher with SIGKILL (dash
 * subshells do not reliably die of SIGTERM) and then signals its whole group, so nothing the
 * command left behind, nor the watcher's `sleep`, survives it.
 */
const WATCHDOG = `
exec 3<&0 0</dev/null
"$@" 3<&- &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
trap '' PIPE
( while read -r _ <&3; do :; done; kill -TERM "$child" 2>/dev/null; sleep 5; kill -KILL "$child" 2>/dev/null ) &
watcher=$!
exec 3<&-
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill -KILL "$watcher" 2>/dev/null
trap '' TERM
kill -TERM 0 2>/dev/null
exit "$status"
`;

const STDERR_TAIL_LINES = 40;
const running = new Set<ManagedProcess>();

export function spawnManaged(command: string, args: readonly string[], options: SpawnManagedOptions): ManagedProcess {
  const mode = options.parentDeath ?? 'watchdog';
  const [file, argv] = mode === 'watchdog' ? ['/bin/sh', ['-c', WATCHDOG, options.name, command, ...args]] : [command, [...args]];
  const child = spawn(file, argv, {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  // Writes after the child died fail with EPIPE; the exit is reported through `exited`.
  child.stdin.on('error', () => {});
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
    options.onStderrLine?.(line);
  });

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => {
      tail.push(`${options.name}: ${err.message}`);
      resolve({ code: null, signal: null });
    });
    // 'close', not 'exit': by then stderr is drained, so the tail has the last words.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let stopping: Promise<ProcessExit> | undefined;
  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    stdin: mode === 'stdin' ? child.stdin : undefined,
    exited,
    stderrTail: () => tail.join('\n'),
    stop() {
      stopping ??= (async () => {
        child.stdin.end();
        const timeout = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.stopTimeoutMs ?? 10_000);
        const exit = await exited;
        clearTimeout(timeout);
        await groupGone(child.pid);
        return exit;
      })();
      return stopping;
    },
  };
  running.add(managed);
  void exited.then((exit) => {
    running.delete(managed);
    options.onExit?.(exit);
  });
  return managed;
}

const GROUP_GRACE_MS = 2_000;
const GROUP_POLL_MS = 10;

/** Whether any process of group `pgid` still exists (signal 0 delivers nothing, it only looks). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Waits until the group is empty. The leader's exit is not enough: its last act signals the group
 * (the watcher's `sleep`, anything the command left behind), and those die a moment later, so a
 * caller told "stopped" could still find them. What outlives the grace period is SIGKILLed; a
 * zombie its reaper has not collected yet ends the wait after one more grace period.
 */
async function groupGone(pgid: number | undefined): Promise<void> {
  if (pgid === undefined) return;
  for (const last of [false, true]) {
    const until = Date.now() + GROUP_GRACE_MS;
    while (groupAlive(pgid)) {
      if (Date.now() > until) break;
      await sleep(GROUP_POLL_MS);
    }
    if (!groupAlive(pgid) || last) return;
    killGroup(pgid, 'SIGKILL');
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Stops every managed process still running (shutdown). */
export async function stopAllManaged(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** How many managed processes are running (for health checks and tests). */
export function managedCount(): number {
  return running.size;
}
