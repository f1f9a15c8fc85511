import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CHANNELS_PAST_GUARD_METRIC, METRIC_NAMESPACE } from '../core/domain/metrics';
import type { WorkflowDefinition } from '../workflows/definition';
import { pascalCase } from './tasks';

export interface AlarmsProps {
  /** Every state machine, by action (`Workflows.stateMachines`). */
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  /** The registry's workflows (`WORKFLOWS`): each alarm's description says what its machine does. */
  readonly workflows: readonly Pick<WorkflowDefinition, 'action' | 'description'>[];
  /** Where EventBridge Scheduler puts a timed start or stop it could not deliver (`infra/scheduling.ts`). */
  readonly scheduleDeadLetters: IQueue;
  /** Where the stream events publisher's mapping describes the table changes it could not publish (`infra/stream-events.ts`). */
  readonly unpublishedEvents: IQueue;
  /** The SNS topic every alarm notifies (context `alarmTopicArn`); none: the alarms only show in CloudWatch. */
  readonly topicArn?: string;
}

/**
 * Step Functions' execution metrics: namespace `AWS/States`, dimension `StateMachineArn`, counts
 * summed per period (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html,
 * "Execution metrics"; CDK's `metricFailed()`/`metricTimedOut()`/`metricAborted()` are exactly these).
 */
const EXECUTION_ENDS = [
  { id: 'Failed', metric: (sm: IStateMachine, period: Duration) => sm.metricFailed({ period }), what: 'failed' },
  { id: 'TimedOut', metric: (sm: IStateMachine, period: Duration) => sm.metricTimedOut({ period }), what: 'timed out' },
  { id: 'Aborted', metric: (sm: IStateMachine, period: Duration) => sm.metricAborted({ period }), what: 'were aborted' },
] as const;
const EXECUTION_PERIOD = Duration.minutes(5);

/** The webhook delivery machine (the `webhooks` piece): a failed execution of it is a delivery that used up its retries. */
const WEBHOOK_DELIVERY = /webhook/i;

/**
 * The reconciler (every 15 min) publishes {@link CHANNELS_PAST_GUARD_METRIC} at each sweep. A
 * period of two sweeps holds at least one datapoint while the reconciler runs, so a period with
 * none means the reconciler itself stopped: with nothing watching, a channel past its guard could
 * run unseen, so missing data is breaching, not "fine".
 */
const GUARD_PERIOD = Duration.minutes(30);

/**
 * The stack's CloudWatch alarms: every state machine's failed, timed-out and aborted executions
 * (a machine added to the registry is covered with no edit here), an undelivered timed start or
 * stop, stream events left unpublished, and channels running past their guard. With a topic, every alarm notifies it when it goes
 * into ALARM and when it recovers.
 */
export class Alarms extends Construct {
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const alarms: Alarm[] = [];
    const add = (alarmId: string, metric: IMetric, options: { description: string; threshold: number; comparison: ComparisonOperator; missing: TreatMissingData }) =>
      alarms.push(
        new Alarm(this, alarmId, {
          metric,
          alarmDescription: options.description,
          threshold: options.threshold,
          comparisonOperator: options.comparison,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: options.missing,
        }),
      );

    for (const [action, machine] of Object.entries(props.stateMachines)) {
      const about = props.workflows.find((w) => w.action === action)?.description ?? action;
      for (const end of EXECUTION_ENDS) {
        const webhook = end.id === 'Failed' && WEBHOOK_DELIVERY.test(action)
          ? ' Each is a webhook delivery that exhausted its retries: the receiver did not take the event.'
          : '';
        add(`${pascalCase(action)}Executions${end.id}`, end.metric(machine, EXECUTION_PERIOD), {
          description: `${action} executions ${end.what} (${about}).${webhook} See GET /streams/{id}/executions, or the execution in the Step Functions console.`,
          threshold: 1,
          comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          // No executions ended that way in the period: Step Functions reports nothing.
          missing: TreatMissingData.NOT_BREACHING,
        });
      }
    }

    add('UndeliveredSchedules', props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      description:
        "A timed start or stop could not be delivered: EventBridge Scheduler put it in the schedules' dead-letter queue, and it is still there (its reader, tasks/schedule-undelivered.ts, could not mark the schedule failed).",
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // SQS emits a queue's metrics only while it is active (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html): an empty, idle queue reports nothing.
      missing: TreatMissingData.NOT_BREACHING,
    });

    add('UnpublishedStreamEvents', props.unpublishedEvents.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      description:
        'Stream events were not published: publish-events failed on table changes after its retries, and the failed-records queue describes them (shard and sequence numbers). The stream keeps its record; EventBridge rules and webhooks missed those events. The changes stay readable for 24 h only.',
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // As above: an empty, idle queue reports nothing.
      missing: TreatMissingData.NOT_BREACHING,
    });

    add(
      'ChannelsPastGuard',
      new Metric({ namespace: METRIC_NAMESPACE, metricName: CHANNELS_PAST_GUARD_METRIC, statistic: 'Maximum', period: GUARD_PERIOD }),
      {
        description:
          'A MediaLive channel is running longer than its session guard (max_session_seconds) plus the margin, at ~$3 an hour: the guard did not stop it. Or the reconciler published nothing for 30 min, so nothing is watching. Stop the channel (POST /streams/{id}/stop) and look at the reconciler.',
        threshold: 1,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        missing: TreatMissingData.BREACHING,
      },
    );

    if (props.topicArn) {
      const topic = Topic.fromTopicArn(this, 'Topic', props.topicArn);
      for (const alarm of alarms) {
        alarm.addAlarmAction(new SnsAction(topic));
        alarm.addOkAction(new SnsAction(topic));
      }
    }
    this.alarms = alarms;
  }
}
