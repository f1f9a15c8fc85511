import { ECSClient } from '@aws-sdk/client-ecs';
import { sdkClient } from './sdk-client';

export const ecsClient = sdkClient(ECSClient);
