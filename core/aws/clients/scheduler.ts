import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { sdkClient } from './sdk-client';

export const schedulerClient = sdkClient(SchedulerClient);
