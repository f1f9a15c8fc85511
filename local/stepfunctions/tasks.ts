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
 * Imports every named task module once (a missing file or one without `Input`/`run` fails the
 * runtime's start-up, not the first execution that reaches it) and returns the runner the local
 * Step Functions service answers Task states with.
 */
export async function loadTaskRunner(tasks: readonly string[], services: () => Services): Promise<TaskRunner> {
  const modules = new Map<string, TaskModule>();
  for (const task of tasks) {
    const mod = (await import(pathToFileURL(`${TASKS_DIR}${task}.ts`).href)) as Partial<TaskModule>;
    if (typeof mod.run !== 'function' || !mod.Input) throw new Error(`tasks/${task}.ts must export Input and run`);
    modules.set(task, mod as TaskModule);
  }
  return async (task, input) => {
    const mod = modules.get(task);
    if (!mod) throw lambdaError(new Error(`no task ${task} is loaded`));
    try {
      const output = await mod.run(parseTaskInput(mod.Input, input), services());
      // What a Lambda returns crosses the wire as JSON: Dates become strings, undefined disappears.
      return JSON.parse(JSON.stringify(output ?? null)) as unknown;
    } catch (err) {
      throw lambdaError(err);
    }
  };
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
