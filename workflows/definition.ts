import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * What a chain may name besides its task functions: resources a service-integration state hands
 * to AWS (the `.sync` MediaConvert state passes the jobs' role). `infra/` passes the stack's;
 * rendering passes readable placeholders.
 */
export interface WorkflowResources {
  /** The role MediaConvert jobs run as (`CreateJob`'s `Role`). */
  readonly mediaConvertRoleArn: string;
}

/**
 * One lifecycle action as a state machine. `build` makes the CDK chain from the task functions it
 * names in `tasks` (file names under `tasks/`), so the same chain is deployed by `infra/`, rendered
 * to ASL for tests, and run by `local/`.
 */
export interface WorkflowDefinition<Task extends string = string, ActionName extends string = string> {
  /** The action, as used in execution names (`{action}-{streamId}-{token}`) and `STATE_MACHINE_ARNS`. */
  readonly action: ActionName;
  /** The task files this workflow invokes. */
  readonly tasks: readonly Task[];
  /** The whole execution's deadline (`TimeoutSeconds` of the state machine). */
  readonly timeout: Duration;
  /** One line for the console and the docs. */
  readonly description: string;
  build(scope: Construct, functions: Readonly<Record<Task, IFunction>>, resources: WorkflowResources): IChainable;
}

/** Keeps the literal task and action names, so the registry can check each workflow against its action. */
export function defineWorkflow<const Task extends string, const ActionName extends string>(
  definition: WorkflowDefinition<Task, ActionName>,
): WorkflowDefinition<Task, ActionName> {
  return definition;
}
