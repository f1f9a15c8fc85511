import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IvsClient } from '@aws-sdk/client-ivs';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { requireSetting, type Config } from '../core/lambda/config';
import { documentClient } from '../core/aws/clients/dynamodb';
import type { Services } from '../core/aws/services';
import { StreamStore } from '../core/aws/store';
import { bindLocalService } from './aws-binding';
import { LOCAL_CREDENTIALS } from './credentials';
import { LOCAL_REGION } from './env';
import { localS3Client } from './s3';
import { serviceFromHandlers, type LocalService } from './service';

/** The in-process stand-ins, by the `Services` client they answer. */
export type LocalServiceSet = Partial<
  Record<'medialive' | 'mediapackage' | 'kvs' | 'ivs' | 'ecs' | 'mediaconvert' | 'sfn' | 'scheduler' | 'events' | 'cloudwatch', LocalService>
>;

export interface LocalBackends {
  /** dynalite's client. */
  dynamo: DynamoDBClient;
  /** s3rver's endpoint. */
  s3Endpoint: string;
  local: LocalServiceSet;
}

const SERVICE_NAMES: Record<keyof LocalServiceSet, string> = {
  medialive: 'MediaLive',
  mediapackage: 'MediaPackage',
  kvs: 'CloudFrontKeyValueStore',
  ivs: 'IVS',
  ecs: 'ECS',
  mediaconvert: 'MediaConvert',
  sfn: 'StepFunctions',
  scheduler: 'Scheduler',
  events: 'EventBridge',
  cloudwatch: 'CloudWatch',
};

/**
 * The `Services` the API and the tasks get locally: the same SDK clients as in the cloud
 * (`core/aws/clients/`), DynamoDB and S3 over loopback HTTP (dynalite, s3rver), every other client
 * bound to its in-process stand-in. A service with no stand-in answers every command with
 * "not available locally", so nothing silently reaches for AWS.
 */
export function localServices(config: Config, backends: LocalBackends): Services {
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const bind = <C extends Parameters<typeof bindLocalService>[0]>(key: keyof LocalServiceSet, client: C): C =>
    bindLocalService(client, backends.local[key] ?? serviceFromHandlers(SERVICE_NAMES[key], {}));
  const now = () => new Date();
  const dynamodb = documentClient(backends.dynamo);
  return {
    config,
    now,
    dynamodb,
    store: new StreamStore(dynamodb, requireSetting(config, 'TABLE_NAME'), now),
    s3: localS3Client(backends.s3Endpoint),
    medialive: bind('medialive', new MediaLiveClient(clientConfig)),
    mediapackage: bind('mediapackage', new MediaPackageClient(clientConfig)),
    kvs: bind('kvs', new CloudFrontKeyValueStoreClient(clientConfig)),
    ivs: bind('ivs', new IvsClient(clientConfig)),
    ecs: bind('ecs', new ECSClient(clientConfig)),
    mediaconvert: bind('mediaconvert', new MediaConvertClient(clientConfig)),
    sfn: bind('sfn', new SFNClient(clientConfig)),
    scheduler: bind('scheduler', new SchedulerClient(clientConfig)),
    events: bind('events', new EventBridgeClient(clientConfig)),
    cloudwatch: bind('cloudwatch', new CloudWatchClient(clientConfig)),
  };
}
