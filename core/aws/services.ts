import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IvsClient } from '@aws-sdk/client-ivs';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// CloudFront KeyValueStore requests must be signed with SigV4A. The SDK's signer looks for a SigV4A
// implementation registered at run time; this import registers the pure-JS one (no native CRT on
// Lambda ARM64), else every KVS call fails with "Neither CRT nor JS SigV4a implementation is available".
import '@aws-sdk/signature-v4a';
import { loadConfig, requireSetting, type Config } from '../lambda/config';
import { StreamStore } from './store';

/**
 * Everything a task or the API handler talks to. Each task declares the slice it needs
 * (`type Deps = Pick<Services, 'medialive' | 'store'>`), so its `run` is pure over those deps and
 * tests pass mocks. The cloud gets {@link cloudServices}; `local/` builds the same shape with
 * clients bound to local services.
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
  mediaconvert: MediaConvertClient;
  s3: S3Client;
  sfn: SFNClient;
  scheduler: SchedulerClient;
  now: () => Date;
}

/** The DynamoDB document client with the marshalling options the store relies on. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The cloud's services. Clients are made on first use, so a Lambda builds (once per container)
 * only the clients its task touches.
 */
export function cloudServices(config: Config = loadConfig()): Services {
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const region = config.AWS_REGION;
  return {
    config,
    now: () => new Date(),
    get dynamodb() {
      return once('dynamodb', () => documentClient(new DynamoDBClient({ region })));
    },
    get store() {
      return once('store', () => new StreamStore(this.dynamodb, requireSetting(config, 'TABLE_NAME')));
    },
    get medialive() {
      return once('medialive', () => new MediaLiveClient({ region }));
    },
    get mediapackage() {
      return once('mediapackage', () => new MediaPackageClient({ region }));
    },
    get kvs() {
      return once('kvs', () => new CloudFrontKeyValueStoreClient({ region }));
    },
    get ivs() {
      return once('ivs', () => new IvsClient({ region }));
    },
    get ecs() {
      return once('ecs', () => new ECSClient({ region }));
    },
    get mediaconvert() {
      return once('mediaconvert', () => new MediaConvertClient({ region }));
    },
    get s3() {
      return once('s3', () => new S3Client({ region }));
    },
    get sfn() {
      return once('sfn', () => new SFNClient({ region }));
    },
    get scheduler() {
      return once('scheduler', () => new SchedulerClient({ region }));
    },
  };
}
