import { S3Client } from '@aws-sdk/client-s3';
import { sdkClient } from './sdk-client';

export const s3Client = sdkClient(S3Client);
