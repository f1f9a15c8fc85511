import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowDefinition, WorkflowResources } from './definition';

export interface LifecycleStateMachineProps {
  readonly definition: WorkflowDefinition;
  /** The deployed task functions, by task file name; must cover `definition.tasks`. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** What service-integration states hand to AWS (see {@link WorkflowResources}). */
  readonly resources: WorkflowResources;
}

/**
 * One lifecycle action deployed as a Standard state machine: full execution logging (so a stuck
 * start can be read in the console and in CloudWatch), X-Ray tracing, and the workflow's own
 * total timeout, so no execution can wait forever.
 */
export class LifecycleStateMachine extends Construct {
  public readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: LifecycleStateMachineProps) {
    super(scope, id);
    const { definition } = props;
    const missing = definition.tasks.filter((task) => !props.functions[task]);
    if (missing.length > 0) throw new Error(`workflow ${definition.action} needs task functions: ${missing.join(', ')}`);

    // Under /aws/vendedlogs/: Step Functions otherwise adds each group to the account's CloudWatch
    // Logs resource policy, which is limited to 5120 characters
    // (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html).
    const logs = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${definition.action}`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: definition.description,
      definitionBody: DefinitionBody.fromChainable(definition.build(this, props.functions, props.resources)),
      timeout: definition.timeout,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
  }
}
