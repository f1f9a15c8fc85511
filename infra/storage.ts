import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  type BucketProps,
  type CorsRule,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, STREAM_TABLE } from '../core/aws/tables';
import type { InfraConfig } from './config';
import { acknowledge } from './nag';

export interface StorageProps {
  readonly config: InfraConfig;
}

/**
 * Where state and media live: the stream table, the API's idempotency table, the archive bucket
 * (MediaLive's recordings), the workshop output bucket (split's MP4s) and the access-log bucket
 * they and the live distribution log to.
 */
export class Storage extends Construct {
  public readonly streamTable: Table;
  public readonly idempotencyTable: Table;
  public readonly archiveBucket: Bucket;
  public readonly workshopOutputBucket: Bucket;
  public readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    // The streams are the system's only record of what runs and what it costs: keep them when the
    // stack goes, and keep 35 days of point-in-time history. Its change stream, with the item before
    // and after each write, is what the stream events are made from (infra/stream-events.ts).
    this.streamTable = new Table(this, 'Streams', {
      partitionKey: { name: STREAM_TABLE.partitionKey, type: AttributeType.STRING },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Every table keeps point-in-time recovery: a replayed POST after a bad write or a restore of
    // the stream table needs the idempotency records of the same moment.
    this.idempotencyTable = new Table(this, 'Idempotency', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // CloudFront standard logging writes with ACLs, so this bucket (only) keeps object ACLs enabled.
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      ...privateBucket(),
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'This is the access-log destination of the other buckets and the live distribution; logging it to itself would loop.',
    );

    // Recordings are never deleted (a stream's delete keeps them, `docs/API.md`): both media buckets outlive the stack.
    this.archiveBucket = new Bucket(this, 'Archive', {
      ...privateBucket(),
      bucketName: props.config.archiveBucketName,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/archive/',
      removalPolicy: RemovalPolicy.RETAIN,
      cors: consoleReads(props.config.consoleOrigins),
    });
    this.workshopOutputBucket = new Bucket(this, 'WorkshopOutput', {
      ...privateBucket(),
      bucketName: props.config.workshopOutputBucketName,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/workshop-output/',
      removalPolicy: RemovalPolicy.RETAIN,
      cors: consoleReads(props.config.consoleOrigins),
    });
  }
}

/**
 * The console's player reads a recording's segments (presigned GETs) with script from its own
 * origin, which the browser allows only under the bucket's CORS rule. Reads only: the presigned
 * URL is still what grants access; CORS only lets those origins' pages see the answer.
 */
function consoleReads(origins: readonly string[]): CorsRule[] | undefined {
  return origins.length === 0 ? undefined : [{ allowedOrigins: [...origins], allowedMethods: [HttpMethods.GET, HttpMethods.HEAD], maxAge: 3600 }];
}

/** Private, encrypted at rest, reachable only over TLS. */
function privateBucket(): BucketProps {
  return {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
  };
}
