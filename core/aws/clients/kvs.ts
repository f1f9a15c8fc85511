import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
// CloudFront KeyValueStore requests must be signed with SigV4A. The SDK's signer looks for a SigV4A
// implementation registered at run time; this import registers the pure-JS one (no native CRT on
// Lambda ARM64), else every KVS call fails with "Neither CRT nor JS SigV4a implementation is available".
// It lives here, with the one client that needs it, so no other Lambda bundles it.
import '@aws-sdk/signature-v4a';
import { sdkClient } from './sdk-client';

export const kvsClient = sdkClient(CloudFrontKeyValueStoreClient);
