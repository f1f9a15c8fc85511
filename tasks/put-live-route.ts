import { PutKeyCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { aws } from '../core/aws/calls';
import { Invalid } from '../core/domain/errors';
import { liveEndpoint, liveRouteKey, liveRoutesEtag, liveRouteValue } from '../core/aws/live-route';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { kvsClient } from '../core/aws/clients/kvs';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'kvs' | 'store' | 'config'>;

/**
 * Makes a stream live: writes its route (stream id → its MediaPackage origin) to the live
 * distribution's KeyValueStore (see `core/aws/live-route.ts` for why a KVS). Putting the same route
 * again is harmless, so a retry is safe. An ETag mismatch (another stream's route was written
 * meanwhile) is a Conflict, and the workflow's retry writes again with the fresh ETag.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ key: string; live_endpoint: string }> {
  const kvsArn = requireSetting(deps.config, 'LIVE_KVS_ARN');
  const baseUrl = requireSetting(deps.config, 'LIVE_BASE_URL');
  const stream = await deps.store.mustGet(input.stream_id);
  if (!stream.viewer_endpoint) throw new Invalid(`stream ${stream.id} has no viewer endpoint yet`);
  const key = liveRouteKey(stream.id);
  const etag = await liveRoutesEtag(deps.kvs, kvsArn);
  await aws('putting the live route', () =>
    deps.kvs.send(new PutKeyCommand({ KvsARN: kvsArn, Key: key, Value: liveRouteValue(stream.viewer_endpoint), IfMatch: etag })),
  );
  return { key, live_endpoint: liveEndpoint(baseUrl, stream.id, stream.viewer_endpoint) };
}

export const handler = taskHandler(Input, run, { kvs: kvsClient, store: streamStore });
