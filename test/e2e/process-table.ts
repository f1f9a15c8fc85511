import { readdirSync, readFileSync } from 'node:fs';

/** One live process as Linux's /proc shows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks since boot when it started: with `pid`, names the process even if the pid is reused. */
  readonly startTime: string;
  readonly cmdline: string;
}

/** Every process on the machine that is alive (zombies are dead: they wait only to be reaped). */
export function processTable(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command (field 2) may hold spaces and parentheses: the fields after its last ')' are
      // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
      // cstime priority nice threads itrealvalue starttime …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19], cmdline });
    } catch {
      // it exited while we looked
    }
  }
  return table;
}

/** `root`'s children, their children, and so on (not `root` itself). */
export function descendantsOf(root: number, table = processTable()): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let frontier = new Set([root]);
  while (frontier.size > 0) {
    const next = table.filter((p) => frontier.has(p.ppid));
    found.push(...next);
    frontier = new Set(next.map((p) => p.pid));
  }
  return found;
}

/**
 * What is still alive of `processes` and of their process groups. The runtime starts each child in
 * a group of its own, and whatever a child starts stays in that group: once the runtime is gone,
 * a live member of one of those groups (or one of the processes themselves) is an orphan, even if
 * it was reparented and forked again meanwhile.
 */
export function survivorsOf(processes: readonly ProcessInfo[], table = processTable()): ProcessInfo[] {
  const same = new Set(processes.map((p) => `${p.pid}@${p.startTime}`));
  const groups = new Set(processes.map((p) => p.pgid));
  // Never our own group: the test process and its workers are not the runtime's.
  groups.delete(Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2]));
  return table.filter((p) => same.has(`${p.pid}@${p.startTime}`) || groups.has(p.pgid));
}
