import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_REGION } from './env';

/** s3rver checks signatures against its one built-in account. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * An S3 client for s3rver. Path-style URLs (s3rver has no virtual hosts), and checksums only when an
 * operation requires them: with the SDK's default flexible checksums, s3rver stores streamed
 * bodies with the checksum framing in them, i.e. corrupted.
 */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
