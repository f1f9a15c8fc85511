import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventSourceMapping, StartingPosition, type IEventSourceDlq, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcards } from './nag';

export interface StreamEventsProps {
  /** Tables with a NEW_AND_OLD_IMAGES stream (`infra/storage.ts`), each with its events in `tasks/publish-events.ts` (DIFFS). */
  readonly tables: readonly ITable[];
  /** `tasks/publish-events.ts`: its PutEvents access is in infra/task-permissions.ts, its streams' reads are granted here. */
  readonly publisher: IFunction;
}

/**
 * How often a failing batch is retried before it goes to the failed-records queue. Bounded: a
 * record that keeps failing would otherwise hold its shard (and every later change of its items)
 * until it ages out of the stream, 24 h
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 */
const RETRY_ATTEMPTS = 8;

/**
 * Events out: each table's change stream feeds `publish-events`, which puts each change's events on
 * the default bus. A batch that fails is split in two and retried (so one bad record doesn't hold
 * the others back), a bounded number of times; what still fails is described in the
 * failed-records queue (Lambda's on-failure destination: the batch's shard and sequence numbers,
 * not the records) and kept 14 days.
 */
export class StreamEvents extends Construct {
  public readonly failedRecords: Queue;

  constructor(scope: Construct, id: string, props: StreamEventsProps) {
    super(scope, id);
    this.failedRecords = new Queue(this, 'FailedRecords', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.failedRecords, 'AwsSolutions-SQS3', 'This queue is itself the on-failure destination of the stream events publisher.');

    // Lambda sends to the destination with the function's role: sqs:SendMessage only
    // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), not the
    // GetQueueAttributes/GetQueueUrl that SqsDlq's grantSendMessages adds.
    const queue = this.failedRecords;
    const onFailure: IEventSourceDlq = {
      bind: (_mapping, target) => {
        queue.grant(target, 'sqs:SendMessage');
        return { destination: queue.queueArn };
      },
    };
    // What Lambda's poller calls with the function's role to read a stream: "dynamodb:DescribeStream,
    // dynamodb:GetRecords, dynamodb:GetShardIterator, dynamodb:ListStreams"
    // (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, execution role permissions).
    // ListStreams has no resource type (iam-data: `isWildcardOnly: true`), so only `*` matches it.
    const role = props.publisher.role;
    if (!role) throw new Error('StreamEvents needs the publisher\'s role');
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    acknowledgeWildcards(role, 'dynamodb:ListStreams supports no resource-level permissions (Resource "*" only); it lists stream ARNs, nothing more.', ['*']);
    for (const [i, table] of props.tables.entries()) {
      const streamArn = table.tableStreamArn;
      if (!streamArn) throw new Error(`StreamEvents needs tables with a stream (infra/storage.ts); ${table.node.path} has none`);
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], resources: [streamArn] }),
      );
      new EventSourceMapping(this, i === 0 ? 'Publisher' : `Publisher${i}`, {
        target: props.publisher,
        eventSourceArn: streamArn,
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: RETRY_ATTEMPTS,
        onFailure,
      });
    }
  }
}
