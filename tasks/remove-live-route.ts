import { DeleteKeyCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { deleteIgnoringNotFound } from '../core/aws/calls';
import { liveRouteKey, liveRoutesEtag } from '../core/aws/live-route';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { kvsClient } from '../core/aws/clients/kvs';

/** Also the first step of `delete`: keep this contract (`{stream_id}` → `{removed}`). */
export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'kvs' | 'config'>;

/**
 * Takes a stream off the live distribution: deletes its key from the KeyValueStore. A key that is
 * not there is already removed (`removed: false`); the store itself must exist (its ETag is read
 * first), so a misconfigured ARN fails instead of passing for done. An ETag mismatch is a Conflict
 * that the workflow retries with a fresh ETag.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ removed: boolean }> {
  const kvsArn = requireSetting(deps.config, 'LIVE_KVS_ARN');
  const etag = await liveRoutesEtag(deps.kvs, kvsArn);
  const outcome = await deleteIgnoringNotFound('removing the live route', () =>
    deps.kvs.send(new DeleteKeyCommand({ KvsARN: kvsArn, Key: liveRouteKey(input.stream_id), IfMatch: etag })),
  );
  return { removed: outcome === 'deleted' };
}

export const handler = taskHandler(Input, run, { kvs: kvsClient });
