import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { managedCount, spawnManaged, stopAllManaged } from '../../../local/processes';
import { eventually, pidsInGroup } from './process-groups';

const FIXTURE = fileURLToPath(new URL('./fixtures/managed-parent.ts', import.meta.url));

describe('spawnManaged', () => {
  it('runs the child in its own process group and stop() ends the whole group', async () => {
    // Prepare
    const child = spawnManaged('sleep', ['300'], { name: 'sleeper' });
    await eventually(() => pidsInGroup(child.pid).length >= 2);
    expect(pidsInGroup(child.pid).length).toBeGreaterThanOrEqual(2); // watchdog shell + sleep

    // Act
    const exit = await child.stop();

    // Assess
    expect(exit.code).not.toBe(0); // sleep was terminated, not finished
    expect(pidsInGroup(child.pid)).toEqual([]);
  });

  it('in stdin mode closes the input and lets the child finish on its own', async () => {
    // Prepare
    const exits: number[] = [];
    const child = spawnManaged('sh', ['-c', 'cat >/dev/null; echo finished >&2'], {
      name: 'reader',
      parentDeath: 'stdin',
      onExit: (exit) => exits.push(exit.code ?? -1),
    });
    child.stdin!.write('some input\n');

    // Act
    const exit = await child.stop();

    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stderrTail()).toBe('finished');
    expect(exits).toEqual([0]);
  });

  it('passes the exit code of the command through the watchdog', async () => {
    // Prepare
    const child = spawnManaged('sh', ['-c', 'echo broken >&2; exit 3'], { name: 'failing' });

    // Act
    const exit = await child.exited;

    // Assess
    expect(exit.code).toBe(3);
    expect(child.stderrTail()).toBe('broken');
  });

  it('stopAllManaged stops every running child', async () => {
    // Prepare
    const before = managedCount();
    const children = [spawnManaged('sleep', ['300'], { name: 'a' }), spawnManaged('cat', [], { name: 'b', parentDeath: 'stdin' })];
    expect(managedCount()).toBe(before + 2);

    // Act
    await stopAllManaged();

    // Assess
    expect(managedCount()).toBe(0);
    // The leaders have exited; a watchdog's helper (its `sleep`) gets the group's SIGTERM as the
    // leader exits and may need a moment to go, so the groups are checked until they are empty.
    for (const child of children) expect(await eventually(() => pidsInGroup(child.pid).length === 0, 3000)).toBe(true);
  });

  it('leaves no child running when the parent is killed with SIGKILL', async () => {
    // Prepare: a parent process with one child of each guard mode
    const parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve));
    const { groups } = JSON.parse(firstLine) as { groups: number[] };
    expect(await eventually(() => groups.every((g) => pidsInGroup(g).length > 0))).toBe(true);

    // Act
    parent.kill('SIGKILL');

    // Assess
    expect(await eventually(() => groups.every((g) => pidsInGroup(g).length === 0))).toBe(true);
  });
});
