import { PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { loopbackOrigins } from './loopback';

/**
 * Lets the console, served from the API port, fetch from the local S3 on another port: the
 * session playlist's segments (hls.js reads them with XHR, a cross-origin read the browser allows
 * only with a CORS grant) and the split MP4s behind "Download section N". GET from the console's own
 * origins (the API port's, as `local/http-server.ts` names them), nothing else: another page the
 * operator opens gets no grant, and nothing may write cross-origin. Set at every start, since the
 * API port may change between runs (s3rver keeps a bucket's CORS rules on disk).
 */
export async function allowConsoleReads(s3: S3Client, buckets: readonly string[], apiPort: number): Promise<void> {
  const origins = loopbackOrigins(apiPort);
  for (const bucket of buckets) {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: origins, AllowedMethods: ['GET'], MaxAgeSeconds: 3600 }] },
      }),
    );
  }
}
