import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ApiServices } from './route';

/**
 * How long a presigned download URL is valid: an hour, long enough to start a download of a long
 * MP4 or to watch an hour of a session, short enough that a leaked URL soon stops working. A URL
 * signed with temporary credentials (the API Lambda's role) stops working when they expire, even
 * before that (https://repost.aws/knowledge-center/presigned-url-s3-bucket-expiration); a client then
 * reads the route again for a fresh one.
 */
export const DOWNLOAD_URL_SECONDS = 3600;

/**
 * Where an object the API hands out (a split's MP4, a session's segments) can be fetched by a
 * browser: locally a plain GET on the local S3 (`PLAIN_DOWNLOAD_BASE_URL`, path-style), in the cloud
 * a presigned GET, which S3 authorizes as the API role's own `s3:GetObject` (signing is local: no call).
 */
export async function downloadUrl(
  services: Pick<ApiServices, 'config' | 's3'>,
  bucket: string,
  key: string,
  options: { attachment?: boolean } = {},
): Promise<string> {
  const base = services.config.PLAIN_DOWNLOAD_BASE_URL;
  if (base) return `${base.replace(/\/+$/, '')}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  // An attachment (a split's MP4) is saved under its own name when a browser follows the link, not
  // played in the tab (a link's `download` attribute is ignored across origins): S3 answers with the
  // Content-Disposition the signed URL names. Locally the stand-in MediaConvert stores it on the object.
  const disposition = options.attachment ? { ResponseContentDisposition: `attachment; filename="${key.split('/').pop()}"` } : {};
  return getSignedUrl(services.s3, new GetObjectCommand({ Bucket: bucket, Key: key, ...disposition }), { expiresIn: DOWNLOAD_URL_SECONDS });
}
