import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from '@jest/globals';
import { EVENT_SOURCE } from '../../core/domain/events';
import { DELIVERY_WORKFLOW } from '../../core/domain/webhook-workflow';
import { asArray, resourcesOf, statementsOfRole, synthStack, variablesOf } from './synth';

const { stack, template } = synthStack();
const resources = resourcesOf(template);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const fanOut = stack.tasks.functions['fan-out-webhooks'];
const deliver = stack.tasks.functions['deliver-webhook'];
const deliveries = stack.workflows.stateMachines[DELIVERY_WORKFLOW];

describe('webhooks (infra/webhooks.ts)', () => {
  it('keeps webhooks by id and deliveries by webhook and start, the deliveries with a TTL', () => {
    expect(resources[logicalId(stack.webhooks.webhooksTable)].Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'webhook_id', KeyType: 'HASH' }],
    });
    expect(resources[logicalId(stack.webhooks.deliveriesTable)].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'webhook_id', KeyType: 'HASH' },
        { AttributeName: 'sort_key', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('routes every stream event (source frontmaster.livestream) to the fan-out task', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fanOut), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 8 } })],
    });
  });

  it('gives the fan-out the delivery machine alone to start, by its ARN', () => {
    const variables = variablesOf(resources[logicalId(fanOut)]);
    expect(JSON.stringify(variables.STATE_MACHINE_ARNS)).toContain(logicalId(deliveries));
    const statements = statementsOfRole(template, logicalId(fanOut.role!));
    const starts = statements.filter((s) => asArray(s.Action).includes('states:StartExecution'));
    expect(starts.map((s) => s.Resource)).toEqual([{ Ref: logicalId(deliveries) }]);
    // Nothing on the deliveries table, and only Scan on the webhooks table.
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asArray(s.Action))).toEqual(['dynamodb:Scan']);
  });

  it('lets the deliver task read webhooks and record deliveries, nothing else of DynamoDB', () => {
    const statements = statementsOfRole(template, logicalId(deliver.role!)).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    const byTable = statements.map((s) => [asArray(s.Action).sort(), JSON.stringify(s.Resource)]);
    expect(byTable).toEqual(
      expect.arrayContaining([
        [['dynamodb:GetItem'], expect.stringContaining(logicalId(stack.webhooks.webhooksTable))],
        [['dynamodb:UpdateItem'], expect.stringContaining(logicalId(stack.webhooks.deliveriesTable))],
      ]),
    );
    expect(statements).toHaveLength(2);
  });

  it('deploys the delivery machine with the 24 h retry on its Task and a total timeout', () => {
    const machine = resources[logicalId(deliveries)];
    const definition = JSON.stringify(machine.Properties?.DefinitionString);
    expect(definition).toContain('WebhookDeliveryFailed');
    expect(definition).toContain('\\"MaxDelaySeconds\\":3600');
    expect(definition).toContain('\\"JitterStrategy\\":\\"FULL\\"');
    expect(definition).toContain('\\"TimeoutSeconds\\":180000');
  });
});
