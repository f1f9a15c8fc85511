import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { projectFunction } from './lambda';
import { TASK_PERMISSIONS, type Grant, type TaskResources } from './task-permissions';

export interface TaskFunctionsProps {
  /** Task file names under `tasks/` (`allTasks()` of the workflow registry). */
  readonly tasks: readonly string[];
  readonly resources: TaskResources;
  /** The configuration every task reads (`core/lambda/config.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  /** Access by task; `TASK_PERMISSIONS` unless a test swaps it. */
  readonly permissions?: Readonly<Record<string, readonly Grant[]>>;
}

/** One Lambda per task file (`tasks/{name}.ts`, export `handler`), with exactly that task's access. */
export class TaskFunctions extends Construct {
  public readonly functions: Readonly<Record<string, IFunction>>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const permissions = props.permissions ?? TASK_PERMISSIONS;
    const missing = props.tasks.filter((task) => !permissions[task]);
    if (missing.length > 0) {
      throw new Error(`no entry in infra/task-permissions.ts for task(s): ${missing.join(', ')}`);
    }

    const functions: Record<string, IFunction> = {};
    for (const task of props.tasks) {
      const fn = projectFunction(this, pascalCase(task), {
        entry: `tasks/${task}.ts`,
        description: `FrontMaster Live Stream task ${task}`,
        environment: props.environment,
        timeout: props.timeout,
      });
      for (const grant of permissions[task]) grant(fn, props.resources);
      functions[task] = fn;
    }
    this.functions = functions;
  }
}

/** `stop-channel` → `StopChannel`: a readable construct id. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
