import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { sdkClient } from './sdk-client';

export const mediaPackageClient = sdkClient(MediaPackageClient);
