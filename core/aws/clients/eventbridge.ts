import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { sdkClient } from './sdk-client';

export const eventBridgeClient = sdkClient(EventBridgeClient);
