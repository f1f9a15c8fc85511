import { processTable } from '../../e2e/process-table';

/** The pids whose process group is `pgid` (Linux /proc): what is still alive of a managed child. */
export function pidsInGroup(pgid: number): number[] {
  return processTable()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);
}

/** Polls `check` until it holds or `deadlineMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, deadlineMs = 10_000, everyMs = 100): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}
