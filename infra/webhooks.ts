import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WEBHOOK_DELIVERY_TABLE, WEBHOOK_TABLE } from '../core/aws/tables';
import { EVENT_SOURCE } from '../core/domain/events';
import { DELIVERY_WORKFLOW } from '../core/domain/webhook-workflow';

/**
 * Webhooks (docs/WEBHOOKS.md): the webhooks table (secrets included, so encrypted at rest like
 * every table and never read by anything but the API and the delivery task), the deliveries table
 * (30-day TTL), and the rule that hands every stream event to the fan-out task, which starts the
 * delivery state machine once per subscribed webhook.
 */
export class Webhooks extends Construct {
  public readonly webhooksTable: Table;
  public readonly deliveriesTable: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.webhooksTable = new Table(this, 'Webhooks', {
      partitionKey: { name: WEBHOOK_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deliveriesTable = new Table(this, 'Deliveries', {
      partitionKey: { name: WEBHOOK_DELIVERY_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: WEBHOOK_DELIVERY_TABLE.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: WEBHOOK_DELIVERY_TABLE.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** The tables' names, as `core/lambda/config.ts` reads them. */
  get environment(): Readonly<Record<'WEBHOOKS_TABLE_NAME' | 'WEBHOOK_DELIVERIES_TABLE_NAME', string>> {
    return { WEBHOOKS_TABLE_NAME: this.webhooksTable.tableName, WEBHOOK_DELIVERIES_TABLE_NAME: this.deliveriesTable.tableName };
  }

  /** The API's calls (`api/actions/webhooks.ts`): register = Put, list = Scan, delete = Delete, deliveries = Get + Query. */
  grantApi(grantee: IGrantable): void {
    this.webhooksTable.grant(grantee, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:DeleteItem');
    this.deliveriesTable.grant(grantee, 'dynamodb:Query');
  }

  /**
   * Every event of this system's source (one `detail-type` per kind) goes to the fan-out task, the
   * whole event as its input; it may start only the delivery state machine, whose ARN it is given.
   */
  fanOutWith(fanOut: LambdaFn, deliveries: StateMachine): void {
    fanOut.addEnvironment('STATE_MACHINE_ARNS', Stack.of(this).toJsonString({ [DELIVERY_WORKFLOW]: deliveries.stateMachineArn }));
    deliveries.grantStartExecution(fanOut);
    new Rule(this, 'StreamEvents', {
      description: 'Every stream event (source frontmaster.livestream) to the webhooks fan-out (tasks/fan-out-webhooks.ts)',
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new LambdaFunction(fanOut, { retryAttempts: 8 })],
    });
  }
}

/** What the tasks' permissions name (`infra/task-permissions.ts`). */
export interface WebhookTables {
  readonly webhooksTable: ITable;
  readonly deliveriesTable: ITable;
}
