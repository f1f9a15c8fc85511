import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdkClient } from './sdk-client';

export const cloudWatchClient = sdkClient(CloudWatchClient);
