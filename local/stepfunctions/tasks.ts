import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as z from 'zod/mini';
import type { Services } from '../../core/aws/services';
import { parseTaskInput } from '../../core/lambda/task-handler';

/** Runs one task file's `run` as its Lambda would: same schema, same services shape, JSON in and out. */
export type TaskRunner = (task: string, input: unknown) => Promise<unknown>;

interface TaskModule {
  Input: z.ZodMiniType;
  run: (input: unknown, deps: Services) => Promise<unknown>;
}

const TASKS_DIR = fileURLToPath(new URL('../../tasks/', import.meta.url));

/**
 * The runner the local Step Functions service answers Task states with. Each task module is
 * imported on its first run, as a Lambda loads its code on its first invocation, so the start
 * doesn't pay for forty modules (a third of a second); a task named here without a file still
 * fails the runtime's start, not the first execution that reaches it. `dir`: where the task files
 * are (tests). `eager`: import every module now instead (the lifecycle benchmark runs on a virtual
 * clock, which would count a first run's import, real time, against the task's timeout).
 */
export async function loadTaskRunner(
  tasks: readonly string[],
  services: () => Services,
  { dir = TASKS_DIR, eager = false }: { dir?: string; eager?: boolean } = {},
): Promise<TaskRunner> {
  const files = new Map(tasks.map((task) => [task, join(dir, `${task}.ts`)]));
  await Promise.all(
    [...files].map(([task, file]) =>
      access(file).catch(() => {
        throw new Error(`task ${task} has no file ${file}`);
      }),
    ),
  );
  const loaded = new Map<string, Promise<TaskModule>>();
  const load = (task: string): Promise<TaskModule> => {
    const file = files.get(task);
    if (!file) return Promise.reject(new Error(`no task ${task} is loaded`));
    let mod = loaded.get(task);
    if (!mod) loaded.set(task, (mod = importTask(file)));
    return mod;
  };
  if (eager) await Promise.all(tasks.map(load));
  return async (task, input) => {
    try {
      const mod = await load(task);
      const output = await mod.run(parseTaskInput(mod.Input, input), services());
      // What a Lambda returns crosses the wire as JSON: Dates become strings, undefined disappears.
      return JSON.parse(JSON.stringify(output ?? null)) as unknown;
    } catch (err) {
      throw lambdaError(err);
    }
  };
}

async function importTask(file: string): Promise<TaskModule> {
  const mod = (await import(pathToFileURL(file).href)) as Partial<TaskModule>;
  if (typeof mod.run !== 'function' || !mod.Input) throw new Error(`task file ${file} must export Input and run`);
  return mod as TaskModule;
}

/**
 * The error a Task state sees when a Lambda function throws: its type is the error's `name`
 * (what `Retry`/`Catch` match) and its cause is Lambda's JSON `{errorType, errorMessage, trace}`,
 * so `record-failure` and the API read the same thing locally as in the cloud.
 */
export function lambdaError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] });
  const out = new Error(cause, { cause });
  out.name = e.name;
  return out;
}
