import { Stack, type CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { asArray, statementsOfRole, synthStack, type Statement } from './synth';

/**
 * The split's `mediaconvert:createJob.sync` state runs as the state machine's role, which needs
 * what Step Functions' policy template for "Run a Job (.sync)" lists: iam:PassRole (of the jobs'
 * role), mediaconvert:CreateJob, GetJob and CancelJob on "*" (MediaConvert "provides partial
 * support for resource-level access control"), and events:PutTargets, PutRule and DescribeRule on
 * the managed rule StepFunctionsGetEventsForMediaConvertJobRule
 * (https://docs.aws.amazon.com/step-functions/latest/dg/mediaconvert-iam.html). The task that
 * builds the request needs no AWS access at all.
 */
const { stack, template } = synthStack();
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const statementsOf = (roleId: string) => statementsOfRole(template, roleId);
const withAction = (statements: Statement[], action: string) => statements.filter((s) => asArray(s.Action).includes(action));

describe('the split state machine’s role (createJob.sync)', () => {
  const statements = statementsOf(idOf(stack.workflows.stateMachines.split.role));

  it('may pass only the MediaConvert jobs’ role, and only to MediaConvert', () => {
    expect(withAction(statements, 'iam:PassRole')).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [idOf(stack.media.mediaConvertRole), 'Arn'] },
        Condition: { StringLike: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      }),
    ]);
  });

  it('may create, read and cancel jobs, and manage the managed rule .sync listens on', () => {
    for (const action of ['mediaconvert:CreateJob', 'mediaconvert:GetJob', 'mediaconvert:CancelJob']) {
      expectWithMessage(withAction(statements, action).map((s) => s.Resource), action).toEqual(['*']);
    }
    for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) {
      const [statement] = withAction(statements, action);
      expectWithMessage(JSON.stringify(statement?.Resource), action).toContain(':rule/StepFunctionsGetEventsForMediaConvertJobRule');
    }
  });

  it('leaves the request-building task without any AWS access', () => {
    const prepare = stack.tasks.functions['prepare-transcode'];
    const role = prepare.role!;
    const own = statementsOf(idOf(role)).flatMap((s) => asArray<string>(s.Action));
    expect(own.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
  });
});
