import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../core/lambda/config';
import { liveRouteKey } from '../../core/aws/live-route';
import { bindLocalService } from '../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../local/credentials';
import { LocalKeyValueStore } from '../../local/keyvaluestore';
import { Input as PutLiveRouteInput, run as putLiveRoute } from '../../tasks/put-live-route';
import { LIVE_STATES, liveWorkflow } from '../../workflows/live';
import { aStream, useStreamStore } from '../fixtures/stream-store';
import { runWorkflow } from './harness';

// Two `live` calls for two streams at once: both read the store's ETag, both write with it as
// If-Match, and the KVS takes only the first (the second is ConflictException, HTTP 409:
// @aws-sdk/client-cloudfront-keyvaluestore PutKeyCommand @throws; API_kvs_PutKey). The task reports
// it as Conflict, the workflow retries it, the retry reads the new ETag: both routes land.
const KVS_ARN = 'arn:aws:cloudfront::000000000000:key-value-store/live';
const store = useStreamStore();
const config = loadConfig({ LIVE_KVS_ARN: KVS_ARN, LIVE_BASE_URL: 'https://live.example.com' });

/**
 * The local KVS, with the two first ETag reads held until both happened: the race made certain,
 * not left to the scheduler.
 */
function kvsWhereBothReadFirst(kvs: LocalKeyValueStore): CloudFrontKeyValueStoreClient {
  const client = bindLocalService(new CloudFrontKeyValueStoreClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), kvs.service);
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  let reads = 0;
  let release!: () => void;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: unknown) => {
        const out = await send(command);
        if (command instanceof DescribeKeyValueStoreCommand && reads < 2) {
          reads += 1;
          if (reads === 2) release();
          await bothRead;
        }
        return out;
      };
    },
  });
}

describe('live workflow, two streams at once', () => {
  it('lands both routes: the write that lost the ETag race is retried with the fresh ETag', async () => {
    // Prepare
    const kvs = new LocalKeyValueStore({ kvsArn: KVS_ARN });
    const client = kvsWhereBothReadFirst(kvs);
    const streams = await Promise.all(
      ['a', 'b'].map((n) => aStream(store(), { state: 'running', viewer_endpoint: `https://origin-${n}.example.com/out/v1/ep-${n}/index.m3u8` })),
    );
    const live = (streamId: string) =>
      runWorkflow(liveWorkflow, { stream_id: streamId }, {
        [LIVE_STATES.claim]: () => ({ stream_id: streamId, state: 'running', version: 1 }),
        [LIVE_STATES.putRoute]: (input) => putLiveRoute(PutLiveRouteInput.parse(input), { kvs: client, store: store(), config }),
        [LIVE_STATES.recordLive]: () => ({ recorded: true }),
        [LIVE_STATES.recordFailure]: () => ({}),
      });

    // Act
    const runs = await Promise.all(streams.map((s) => live(s.id)));

    // Assess
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const s of streams) expect(kvs.lookup(liveRouteKey(s.id))).toContain(new URL(s.viewer_endpoint).host);
    const attempts = runs.map((r) => r.calls[LIVE_STATES.putRoute].length).sort();
    expect(attempts).toEqual([1, 2]);
  });
});
