import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowDefinition, WorkflowResources } from '../workflows/definition';
import { LifecycleStateMachine } from '../workflows/state-machine';
import { acknowledgeWildcards } from './nag';
import { pascalCase } from './tasks';

export interface WorkflowsProps {
  /** The registry's workflows (`WORKFLOWS`). */
  readonly definitions: readonly WorkflowDefinition[];
  /** Deployed task functions by task file name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** What service-integration states hand to AWS (the MediaConvert jobs' role). */
  readonly resources: WorkflowResources;
}

/**
 * One state machine per registered workflow. Nothing here names a workflow: a workflow added to
 * `workflows/registry.ts` is deployed, and reaches the API through `stateMachines`, with no edit.
 */
export class Workflows extends Construct {
  /** By action (`stop`, `start`, …), as `STATE_MACHINE_ARNS` keys them. */
  public readonly stateMachines: Readonly<Record<string, StateMachine>>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const machines: Record<string, StateMachine> = {};
    for (const definition of props.definitions) {
      if (machines[definition.action]) throw new Error(`two workflows for action ${definition.action}`);
      const functions = Object.fromEntries(definition.tasks.map((task) => [task, props.functions[task]]));
      // The Task states add `lambda:InvokeFunction` on exactly these functions to the machine's role.
      const construct = new LifecycleStateMachine(this, pascalCase(definition.action), { definition, functions, resources: props.resources });
      acknowledgeWildcards(
        construct.stateMachine.role,
        'Task states invoke their functions by any version or alias (`{function arn}:*`, this workflow\'s task functions only); X-Ray and CloudWatch Logs delivery actions accept only Resource "*"; MediaConvert CreateJob/GetJob/CancelJob (the split\'s `.sync` state) support no resource-level access control, so Step Functions\' own policy template uses "*" (https://docs.aws.amazon.com/step-functions/latest/dg/mediaconvert-iam.html).',
        ['*', ...Object.values(functions).map((fn) => `${fn.functionArn}:*`)],
      );
      machines[definition.action] = construct.stateMachine;
    }
    this.stateMachines = machines;
  }
}
