import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { sdkClient } from './sdk-client';

export const mediaLiveClient = sdkClient(MediaLiveClient);
