import { Stack, type CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from '@jest/globals';
import { EVENT_KINDS, EVENT_SOURCE } from '../../core/domain/events';
import { resolver } from './cfn-resolve';
import { resourcesOf, statementsOfRole, synthStack } from './synth';

// One synth for the whole file (no bundling, cdk.json's context).
const { stack, template } = synthStack();
const resources = resourcesOf(template);
const resolve = resolver(resources);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const tableId = logicalId(stack.storage.streamTable);
const splitTableId = logicalId(stack.splitProgress.table);
const publisher = stack.tasks.functions['publish-events'];
const publisherId = logicalId(publisher);
const mappings = Object.values(resources).filter(
  (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties?.FunctionName) === JSON.stringify({ Ref: publisherId }),
);

describe('stream events out (infra/stream-events.ts)', () => {
  it('streams the stream table with the item before and after each write', () => {
    // Assess: the diff needs both images (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html)
    expect(resources[tableId].Properties?.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('streams the split progress table too, whose section outcomes are split.section.* events', () => {
    expect(resources[splitTableId].Properties?.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it.each([
    ['the stream table', tableId],
    ['the split progress table', splitTableId],
  ])('feeds %s\'s stream to publish-events: bisecting a failing batch, retrying it a bounded number of times, then to an SQS queue', (_name, table) => {
    // Assess: one mapping per streamed table. BisectBatchOnFunctionError, MaximumRetryAttempts
    // (default -1: until the record expires) and DestinationConfig.OnFailure are the stream
    // sources' error handling (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html)
    expect(mappings).toHaveLength(2);
    const ofTable = mappings.filter((m) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [table, 'StreamArn'] }));
    expect(ofTable).toHaveLength(1);
    const props = ofTable[0].Properties!;
    expect(props.BisectBatchOnFunctionError).toBe(true);
    expect(props.MaximumRetryAttempts).toEqual(expect.any(Number));
    expect(props.MaximumRetryAttempts as number).toBeGreaterThan(0);
    expect(props.MaximumRetryAttempts as number).toBeLessThanOrEqual(10);
    const destination = (props.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
    expect(destination).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamEventsFailedRecords/), 'Arn'] });
    const queueId = (destination as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[queueId].Type).toBe('AWS::SQS::Queue');
    expect(resources[queueId].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('lets publish-events put events on the default bus only, with this system\'s source and kinds only', () => {
    // Assess
    const roleId = logicalId(publisher.role!);
    const puts = statementsOfRole(template, roleId).filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(puts).toHaveLength(1);
    expect(resolve(puts[0].Resource)).toBe('arn:aws:events:us-east-1:123456789012:event-bus/default');
    expect(puts[0].Condition).toEqual({ 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE], 'events:detail-type': [...EVENT_KINDS] } });
  });
});
