import { DescribeKeyValueStoreCommand, GetKeyCommand, type CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import * as z from '../domain/zod';
import { aws } from './calls';
import { NotFound, Transient } from '../domain/errors';

/**
 * How a stream is "live": the rules of the live distribution's routes, shared by the live/unlive
 * tasks, the delete workflow, the infra's CloudFront Function and the local runtime.
 *
 * The live distribution is ONE CloudFront distribution, made once by infra. Its `/live/*` behaviour
 * runs a CloudFront Function that reads the first path segment after `/live/` (the stream id), looks
 * it up in a CloudFront KeyValueStore, and sends the request to that stream's MediaPackage origin
 * (origin modification), with `/live/{stream_id}/` replaced by the origin's path.
 *
 * Why a KeyValueStore and not one origin + behaviour per stream on the distribution:
 * - Writes are per key. Making stream A live touches only key A, so two streams made live at the
 *   same moment both end up live. (Editing the distribution config is a read-modify-write of the
 *   whole config, where the second writer would overwrite or fail on the first one's change.) The
 *   KVS write is still guarded by the store's ETag; a mismatch means someone else wrote another key
 *   meanwhile, so the task reports a Conflict and its retry re-reads the ETag and writes again.
 * - The KVS's keys are data, not part of the CloudFormation template: a later `cdk deploy` updates
 *   the distribution and the function but cannot undo associations, whereas origins added to the
 *   distribution at run time would be silently reverted to the template's by the next deploy.
 */

/** The viewer path prefix of the live distribution: `/live/{stream_id}/…`. */
export const LIVE_PATH_PREFIX = '/live/';

/** What the KVS holds per live stream, as JSON: the MediaPackage origin's base URL (ending in `/`). */
export const LiveRouteSchema = z.object({ origin: z.string().check(z.url()) });
export type LiveRoute = z.infer<typeof LiveRouteSchema>;

/** The KVS key of a stream: its id (32 hex, well within the KVS's 512-byte key limit). */
export function liveRouteKey(streamId: string): string {
  return streamId;
}

/** `https://host/out/v1/abc/index.m3u8` → origin `https://host/out/v1/abc/`, manifest `index.m3u8`. */
export function splitViewerEndpoint(viewerEndpoint: string): { origin: string; manifest: string } {
  const url = new URL(viewerEndpoint);
  const slash = url.pathname.lastIndexOf('/');
  const manifest = url.pathname.slice(slash + 1);
  if (!manifest) throw new RangeError(`viewer endpoint has no manifest file: ${viewerEndpoint}`);
  return { origin: `${url.origin}${url.pathname.slice(0, slash + 1)}`, manifest };
}

/** The KVS value of a stream whose HLS origin endpoint is `viewerEndpoint`. */
export function liveRouteValue(viewerEndpoint: string): string {
  const route: LiveRoute = { origin: splitViewerEndpoint(viewerEndpoint).origin };
  return JSON.stringify(route);
}

export function parseLiveRouteValue(value: string): LiveRoute {
  return LiveRouteSchema.parse(JSON.parse(value));
}

/** The viewer URL of a live stream: `{LIVE_BASE_URL}/live/{stream_id}/{manifest of viewer_endpoint}`. */
export function liveEndpoint(liveBaseUrl: string, streamId: string, viewerEndpoint: string): string {
  const base = liveBaseUrl.replace(/\/+$/, '');
  return `${base}${LIVE_PATH_PREFIX}${streamId}/${splitViewerEndpoint(viewerEndpoint).manifest}`;
}

/**
 * Where the live distribution sends a viewer request: `/live/{id}/index_1.m3u8` with route
 * `{origin: 'https://host/out/v1/abc/'}` → `https://host/out/v1/abc/index_1.m3u8`. `undefined` for
 * a path outside `/live/{id}/`. The CloudFront Function does the same in its own runtime.
 */
export function originUrlFor(viewerPath: string, streamId: string, route: LiveRoute): string | undefined {
  const prefix = `${LIVE_PATH_PREFIX}${streamId}/`;
  if (!viewerPath.startsWith(prefix)) return undefined;
  const rest = viewerPath.slice(prefix.length);
  if (rest.split('/').includes('..')) return undefined;
  return `${route.origin}${rest}`;
}

/**
 * The KVS's current ETag, which every write must send as `IfMatch`. Read afresh on every attempt:
 * a write that fails with a Conflict (someone else wrote meanwhile) is retried by the workflow,
 * and the retry reads the new ETag here.
 */
export async function liveRoutesEtag(kvs: CloudFrontKeyValueStoreClient, kvsArn: string): Promise<string> {
  const store = await aws('reading the live routes store', () => kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: kvsArn })));
  if (!store.ETag) throw new Transient(`the live routes store ${kvsArn} returned no ETag`);
  return store.ETag;
}

/** Whether the live distribution routes the stream now: its key is in the KVS (GetKey's NotFound: not routed). */
export async function hasLiveRoute(kvs: CloudFrontKeyValueStoreClient, kvsArn: string, streamId: string): Promise<boolean> {
  try {
    await aws('reading the live route', () => kvs.send(new GetKeyCommand({ KvsARN: kvsArn, Key: liveRouteKey(streamId) })));
    return true;
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}
