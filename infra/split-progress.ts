import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SPLIT_PROGRESS_TABLE } from '../core/aws/tables';
import { acknowledgeWildcards } from './nag';

/**
 * Split progress (`core/aws/split-progress.ts`): one item per split execution, written by the split
 * workflow's record tasks and the API, read by `GET /streams/{id}/splits/{execution_id}`. Its
 * stream (new and old images) is what the stream events' publisher turns into
 * `split.section.done` / `split.section.failed` (`splitSectionEvents`, `core/domain/split-progress.ts`).
 */
export class SplitProgress extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: SPLIT_PROGRESS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Progress says how a split went; the MP4s themselves are in the retained output bucket.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * The API: reads a split's progress, writes its first version (`begin`, a conditional Put), and
   * presigns the GET of a finished section's MP4, which S3 then authorizes as this role's own
   * `s3:GetObject` on the output bucket.
   */
  grantApi(api: IFunction, workshopOutputBucket: IBucket): void {
    this.table.grant(api, 'dynamodb:GetItem', 'dynamodb:PutItem');
    const objects = workshopOutputBucket.arnForObjects('*');
    // GetObject alone (not grantRead, which adds listing and the bucket's own settings).
    api.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    if (api.role) {
      acknowledgeWildcards(
        api.role,
        'Split MP4s are written at run time under keys made per split: any object of the workshop output bucket, which the presigned download URLs read.',
        [objects],
      );
    }
  }
}
