import * as z from '../core/domain/zod';
import { requireSetting } from '../core/lambda/config';
import { NotFound } from '../core/domain/errors';
import { hasLiveRoute, liveEndpoint } from '../core/aws/live-route';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { kvsClient } from '../core/aws/clients/kvs';
import { streamStore } from '../core/aws/clients/store';

/** What the workflow just did to the route: made it (with the viewer URL through it) or removed it. */
export const Input = z.discriminatedUnion('live', [
  z.object({ stream_id: z.string(), live: z.literal(true), live_endpoint: z.string().check(z.url()) }),
  // CDK drops a null from a task's payload, so "not live" arrives without `live_endpoint`.
  z.object({ stream_id: z.string(), live: z.literal(false), live_endpoint: z._default(z.null(), null) }),
]);

type Deps = Pick<Services, 'store' | 'kvs' | 'config'>;

/**
 * Records whether the stream is on the live distribution — as the KeyValueStore says now, not as
 * this workflow left it. live and unlive take no claim (neither may block a start or a stop), so a
 * concurrent pair can write the route in one order and the record in the other; reading the route
 * after our own write, under the record's version, makes the record agree with the last route written. Only `live`
 * and `live_endpoint` are written, by a retried read-modify-write, so what a concurrent start
 * writes survives. A stream deleted meanwhile (delete dissociates first) needs nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps) {
  const kvsArn = requireSetting(deps.config, 'LIVE_KVS_ARN');
  const baseUrl = requireSetting(deps.config, 'LIVE_BASE_URL');
  try {
    // The route is read after the record, inside the conditional write: a record step of the other
    // workflow landing in between makes this write retry on a fresh read of both.
    const item = await deps.store.mutate(input.stream_id, async (current) => {
      const routed = await hasLiveRoute(deps.kvs, kvsArn, input.stream_id);
      const endpoint = !routed
        ? null
        : current.viewer_endpoint
          ? liveEndpoint(baseUrl, current.id, current.viewer_endpoint)
          : (input.live_endpoint ?? null);
      // Written even when the record already says so: the version it bumps is what makes a
      // concurrent record step that read the route before ours retry on a fresh read, instead of
      // landing its stale answer after our silent one (test/e2e/races.test.ts caught that).
      return { live: routed, live_endpoint: endpoint };
    });
    return { stream_id: input.stream_id, live: item.live, recorded: true };
  } catch (err) {
    if (err instanceof NotFound) return { stream_id: input.stream_id, live: input.live, recorded: false };
    throw err;
  }
}

export const handler = taskHandler(Input, run, { kvs: kvsClient, store: streamStore });
