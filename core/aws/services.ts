// Types only: a value import here would put every SDK client in every bundle that names `Services`.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IvsClient } from '@aws-sdk/client-ivs';
import type { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import type { MediaLiveClient } from '@aws-sdk/client-medialive';
import type { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../lambda/config';
import type { StreamStore } from './store';

/**
 * Everything a task or the API handler talks to. Each task declares the slice it needs
 * (`type Deps = Pick<Services, 'medialive' | 'store'>`), so its `run` is pure over those deps and
 * tests pass mocks. In the cloud, a task's `handler` names the factory of each client in that slice
 * (`core/aws/clients/*.ts`, see `taskHandler`), so its bundle holds those clients only; `local/`
 * builds the whole shape with clients bound to local services.
 */
export interface Services {
  config: Config;
  store: StreamStore;
  dynamodb: DynamoDBDocumentClient;
  medialive: MediaLiveClient;
  mediapackage: MediaPackageClient;
  kvs: CloudFrontKeyValueStoreClient;
  ivs: IvsClient;
  ecs: ECSClient;
  /** Local only: the local Step Functions engine's MediaConvert integration; in the cloud Step Functions calls MediaConvert itself. */
  mediaconvert: MediaConvertClient;
  s3: S3Client;
  sfn: SFNClient;
  scheduler: SchedulerClient;
  /** The default event bus: the stream events this system publishes (`core/domain/events.ts`). */
  events: EventBridgeClient;
  cloudwatch: CloudWatchClient;
  now: () => Date;
}
