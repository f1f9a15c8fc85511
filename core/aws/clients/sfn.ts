import { SFNClient } from '@aws-sdk/client-sfn';
import { sdkClient } from './sdk-client';

export const sfnClient = sdkClient(SFNClient);
