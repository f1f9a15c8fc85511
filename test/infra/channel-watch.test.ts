import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from '@jest/globals';
import { METRIC_NAMESPACE } from '../../core/domain/metrics';
import { asArray, statementsOfRole, synthStack } from './synth';

const { stack, template } = synthStack();
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const fnId = (task: string) => logicalId(stack.tasks.functions[task]);
const roleId = (task: string) => logicalId(stack.tasks.functions[task].role!);
const starStatements = (task: string) => statementsOfRole(template, roleId(task)).filter((s) => asArray(s.Resource as string | string[]).includes('*'));

describe('the channel watch (infra/channel-watch.ts)', () => {
  it("routes every MediaLive Channel State Change event's detail to the watcher, with retries", () => {
    // The event's source and detail-type: https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.medialive'], 'detail-type': ['MediaLive Channel State Change'] },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('channel-state-change'), 'Arn'] }, InputPath: '$.detail', RetryPolicy: { MaximumRetryAttempts: 8 } })],
    });
  });

  it('runs the reconciler every 15 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('reconcile'), 'Arn'] }, Input: '{}' })],
    });
  });

  it('lets EventBridge invoke each of the two, from its own rule only', () => {
    for (const task of ['channel-state-change', 'reconcile']) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnId(task), 'Arn'] },
        SourceArn: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
      });
    }
  });

  it("grants `*` only where AWS allows nothing narrower: the reconciler's ListChannels, and PutMetricData held to this system's namespace", () => {
    const reconcile = starStatements('reconcile');
    expect(reconcile.map((s) => asArray(s.Action)).sort()).toEqual([['cloudwatch:PutMetricData'], ['ecs:ListTasks'], ['medialive:ListChannels']]);
    expect(reconcile.find((s) => asArray(s.Action).includes('cloudwatch:PutMetricData'))?.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE },
    });
    expect(starStatements('channel-state-change')).toEqual([]);
    // The watcher only reads the channel; stopping one is the reconciler's alone.
    const watcherActions = statementsOfRole(template, roleId('channel-state-change')).flatMap((s) => asArray(s.Action));
    expect(watcherActions).toContain('medialive:DescribeChannel');
    expect(watcherActions).not.toContain('medialive:StopChannel');
  });
});
