import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { EventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SchedulingProps {
  /** The state machines a schedule may start: start and stop. */
  readonly targets: readonly IStateMachine[];
  /** The timeout of the Lambda that reads the dead-letter queue back (`readUndeliveredWith`). */
  readonly readerTimeout: Duration;
}

/**
 * "Set the source queue's visibility timeout to at least six times the configuration timeout on
 * your function"; Lambda refuses a mapping whose function timeout exceeds it
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
const VISIBILITY_PER_READER_TIMEOUT = 6;

/**
 * Timed start and stop: the deployment's EventBridge Scheduler group, the role its schedules use to
 * start the state machines (only the start and stop machines), and the dead-letter queue that
 * keeps a firing that could not be delivered, read back into the record by `tasks/schedule-undelivered.ts`
 * (`readUndeliveredWith`), so such a schedule shows `failed`. The schedules themselves are made at run time by the
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
      visibilityTimeout: Duration.seconds(props.readerTimeout.toSeconds() * VISIBILITY_PER_READER_TIMEOUT),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules.',
    });
  }

  /**
   * Hands the dead-letter queue to `reader` (the schedule-undelivered task; its role's access is in
   * infra/task-permissions.ts). Partial batch responses: a message whose store write failed comes
   * back alone (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html); one
   * that keeps failing stays at most the queue's retention.
   */
  readUndeliveredWith(reader: IFunction): void {
    new EventSourceMapping(this, 'UndeliveredReader', {
      target: reader,
      eventSourceArn: this.deadLetterQueue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
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
    this.allowOnSchedules(grantee, ['scheduler:DeleteSchedule']);
  }

  /** Arming a cost guard (tasks/arm-guards.ts) makes a schedule of the group with this role, and deletes none. */
  grantCreateSchedules(grantee: IGrantable): void {
    this.allowOnSchedules(grantee, ['scheduler:CreateSchedule']);
    this.role.grantPassRole(grantee.grantPrincipal);
  }

  private allowOnSchedules(grantee: IGrantable, actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions,
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
