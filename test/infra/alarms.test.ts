import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { CHANNELS_PAST_GUARD_METRIC, METRIC_NAMESPACE } from '../../core/domain/metrics';
import { Alarms } from '../../infra/alarms';
import { parseInfraConfig } from '../../infra/config';
import { WORKFLOWS } from '../../workflows/registry';
import { resourcesOf, synthStack, type Resource } from './synth';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:livestream-oncall';

/**
 * The stack's alarms. Step Functions' execution metrics are `AWS/States` `ExecutionsFailed`,
 * `ExecutionsTimedOut` and `ExecutionsAborted`, dimension `StateMachineArn`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html); SQS's
 * `ApproximateNumberOfMessagesVisible`, dimension `QueueName`, reported only while a queue is
 * active (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 */
const plain = synthStack();
const withTopic = synthStack({ alarmTopicArn: TOPIC });

const logicalIdIn = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;

function alarmsOf(resources: Record<string, Resource>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id, r]) => [id, r.Properties as Record<string, unknown>]),
  );
}

describe('alarms', () => {
  const resources = resourcesOf(plain.template);
  const alarms = Object.values(alarmsOf(resources));

  it('alarms on every state machine’s failed, timed-out and aborted executions, by its ARN', () => {
    const machines = Object.entries(plain.stack.workflows.stateMachines);
    expect(machines.map(([action]) => action).sort()).toEqual(WORKFLOWS.map((w) => w.action).sort());
    for (const [action, machine] of machines) {
      const arn = { Ref: logicalIdIn(plain.stack, machine) };
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        const found = alarms.filter(
          (a) => a.Namespace === 'AWS/States' && a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'StateMachineArn', Value: arn }]),
        );
        expectWithMessage(found, `${action} ${metric}`).toHaveLength(1);
        expectWithMessage(found[0], `${action} ${metric}`).toMatchObject({
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          AlarmDescription: expect.stringContaining(action),
        });
      }
    }
  });

  it('says what each machine does in its alarms, from the registry', () => {
    const split = WORKFLOWS.find((w) => w.action === 'split')!;
    expect(alarms.filter((a) => String(a.AlarmDescription).includes(split.description))).toHaveLength(3);
  });

  it('alarms on a timed start or stop left in the schedules’ dead-letter queue', () => {
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdIn(plain.stack, plain.stack.scheduling.deadLetterQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on table changes the stream events publisher could not publish', () => {
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdIn(plain.stack, plain.stack.streamEvents.failedRecords), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: Match.stringLikeRegexp('not published'),
    });
  });

  it('alarms when a channel runs past its guard, and when the reconciler stops reporting', () => {
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRIC_NAMESPACE,
      MetricName: CHANNELS_PAST_GUARD_METRIC,
      Statistic: 'Maximum',
      // Two of the reconciler's 15-minute sweeps.
      Period: 1800,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('guard'),
    });
  });

  it('notifies no one without a topic', () => {
    expect(alarms.length).toBe(WORKFLOWS.length * 3 + 3);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toBeUndefined();
      expect(alarm.OKActions).toBeUndefined();
    }
  });

  it('sends every alarm and its recovery to the topic given in context', () => {
    const topical = Object.values(alarmsOf(resourcesOf(withTopic.template)));
    expect(topical).toHaveLength(alarms.length);
    for (const alarm of topical) {
      expectWithMessage(alarm.AlarmActions, String(alarm.AlarmDescription)).toEqual([TOPIC]);
      expectWithMessage(alarm.OKActions, String(alarm.AlarmDescription)).toEqual([TOPIC]);
    }
  });

  it('adds no cdk-nag finding with a topic either (stack.test.ts checks the default context)', () => {
    expect(withTopic.nag.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('says, for the webhook delivery machine, that a failed execution is a delivery that exhausted its retries', () => {
    // Without CDK's CloudFormation schema validation, as synthStack does: loading the schema costs
    // ~10 s of CPU for this one small stack, and it checks CloudFormation, not the alarms' descriptions.
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }));
    const machine = (id: string) => new StateMachine(stack, id, { definitionBody: DefinitionBody.fromChainable(new Pass(stack, `${id}Start`)) });
    const deadLetters = new Queue(stack, 'DeadLetters');
    new Alarms(stack, 'Alarms', {
      stateMachines: { deliver_webhook: machine('Webhooks'), stop: machine('Stop') },
      workflows: [{ action: 'deliver_webhook', description: 'Delivers one event to one webhook.' }],
      scheduleDeadLetters: deadLetters,
      unpublishedEvents: new Queue(stack, 'FailedRecords'),
    });
    const descriptions = Object.values(alarmsOf(resourcesOf(Template.fromStack(stack)))).map((a) => String(a.AlarmDescription));

    const retries = descriptions.filter((d) => d.includes('exhausted its retries'));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^deliver_webhook executions failed \(Delivers one event to one webhook\.\)/);
    expect(descriptions.filter((d) => d.startsWith('stop executions'))).toHaveLength(3);
  });
});

describe('alarmTopicArn (context)', () => {
  it('is unset by default and takes an SNS topic ARN', () => {
    expect(parseInfraConfig({}).alarmTopicArn).toBeUndefined();
    expect(parseInfraConfig({ alarmTopicArn: '' }).alarmTopicArn).toBeUndefined();
    expect(parseInfraConfig({ alarmTopicArn: TOPIC }).alarmTopicArn).toBe(TOPIC);
  });

  it.each([
    ['a queue ARN', 'arn:aws:sqs:us-east-1:123456789012:livestream-oncall'],
    ['a topic name alone', 'livestream-oncall'],
    ['an ARN without an account', 'arn:aws:sns:us-east-1::livestream-oncall'],
  ])('refuses %s, naming the key', (_what, value) => {
    expect(() => parseInfraConfig({ alarmTopicArn: value })).toThrow(/alarmTopicArn: must be an SNS topic ARN/);
  });
});
