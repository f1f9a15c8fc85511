import { Stack, type CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { asArray, resourcesOf, statementsOfRole, synthStack, variablesOf } from './synth';

const { stack, template } = synthStack();
const resources = resourcesOf(template);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const table = logicalId(stack.splitProgress.table);
const roleOf = (fn: { role?: { node: { defaultChild?: unknown } } }) => logicalId(fn.role!);
/** The actions a role's policies allow on the split progress table. */
function progressActionsOf(roleId: string): string[] {
  return statementsOfRole(template, roleId)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${table}"`))
    .flatMap((s) => asArray(s.Action))
    .sort();
}

describe('split progress table', () => {
  it('is keyed by the execution ARN, streams new and old images (the events publisher reads them), keeps point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'execution_id', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('is named to the record tasks and the API', () => {
    for (const fn of [stack.api.handler, ...['record-split-plan', 'record-split-section', 'record-split-end'].map((t) => stack.tasks.functions[t])]) {
      const id = logicalId(fn);
      expectWithMessage(variablesOf(resources[id]).SPLIT_PROGRESS_TABLE_NAME, id).toEqual({ Ref: table });
    }
  });

  it('gives each writer exactly the calls it makes, and no other task any', () => {
    const tasks = stack.tasks.functions;
    expect(progressActionsOf(roleOf(tasks['record-split-plan'] as never))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(progressActionsOf(roleOf(tasks['record-split-section'] as never))).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(progressActionsOf(roleOf(tasks['record-split-end'] as never))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(progressActionsOf(roleOf(stack.api.handler))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    // publish-events reads the table's change stream (its split.section.* events), not the table.
    expect(progressActionsOf(roleOf(tasks['publish-events'] as never))).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']);
    const others = Object.entries(tasks).filter(([task]) => !task.startsWith('record-split-') && task !== 'publish-events');
    for (const [task, fn] of others) expectWithMessage(progressActionsOf(roleOf(fn as never)), task).toEqual([]);
  });

  it('lets the API read the MP4s it presigns, objects of the workshop output bucket only', () => {
    const output = logicalId(stack.storage.workshopOutputBucket);
    // Each (effect, action, resource) the role is granted on that bucket: statements may share
    // resources with others (the archive's segments are read the same way), so they are flattened.
    const grants = statementsOfRole(template, roleOf(stack.api.handler)).flatMap((s) =>
      asArray(s.Resource)
        .filter((resource) => JSON.stringify(resource).includes(`"${output}"`))
        .flatMap((resource) => asArray(s.Action).map((action) => ({ effect: s.Effect, action, resource }))),
    );
    expect(grants).toEqual([{ effect: 'Allow', action: 's3:GetObject', resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [output, 'Arn'] }, '/*']] } }]);
  });
});
