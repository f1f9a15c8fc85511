import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SchedulingProps {
  /** The state machines a schedule may start: start and stop. */
  readonly targets: readonly IStateMachine[];
}

/**
 * Timed start and stop: the deployment's EventBridge Scheduler group, the role its schedules use to
 * start the state machines (only the start and stop machines), and the dead-letter queue that
 * keeps a firing that could not be delivered. The schedules themselves are made at run time by the
 * API (`core/aws/schedules.ts`), one per request, and delete themselves once fired.
 */
export class Scheduling extends Construct {
  public readonly groupName: string;
  public readonly role: Role;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    const group = new CfnScheduleGroup(this, 'Group', { name: `${Stack.of(this).stackName}-schedules` });
    this.groupName = group.ref;

    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler starts the start/stop state machines of this deployment, nothing else',
    });
    for (const target of props.targets) target.grantStartExecution(this.role);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules.',
    });
  }

  /** What the API needs to make and cancel schedules in this group with this role. */
  grantManageSchedules(grantee: IGrantable): void {
    const scheduleArn = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.groupName}/*`,
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [scheduleArn],
      }),
    );
    this.role.grantPassRole(grantee.grantPrincipal);
  }

  /** Deleting a stream cancels its schedules: the delete workflow's task may delete them. */
  grantDeleteSchedules(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:DeleteSchedule'],
        resources: [Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.groupName}/*` })],
      }),
    );
  }

  /** The environment `core/lambda/config.ts` reads. */
  get environment(): Record<string, string> {
    return {
      SCHEDULE_GROUP_NAME: this.groupName,
      SCHEDULER_ROLE_ARN: this.role.roleArn,
      SCHEDULE_DLQ_ARN: this.deadLetterQueue.queueArn,
    };
  }
}
