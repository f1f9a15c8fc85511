import { IvsClient } from '@aws-sdk/client-ivs';
import { sdkClient } from './sdk-client';

export const ivsClient = sdkClient(IvsClient);
