import { CloudFrontKeyValueStoreClient, GetKeyCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { newHexId } from '../../../core/domain/ids';
import { liveRouteKey } from '../../../core/aws/live-route';
import { newStreamItem } from '../../../core/domain/record';
import { Input, run } from '../../../tasks/record-live';
import { useStreamStore } from '../../fixtures/stream-store';

const KVS_ARN = 'arn:aws:cloudfront::000000000000:key-value-store/0123abcd-0000-0000-0000-000000000000';
const VIEWER = 'https://abc.mediapackage.us-east-1.amazonaws.com/out/v1/ep-hash/index.m3u8';
const store = useStreamStore();
const kvs = mockClient(CloudFrontKeyValueStoreClient);
const config = loadConfig({ LIVE_KVS_ARN: KVS_ARN, LIVE_BASE_URL: 'https://live.example.com' });
const deps = () => ({ store: store(), kvs: kvs as unknown as CloudFrontKeyValueStoreClient, config });
const endpointOf = (id: string) => `https://live.example.com/live/${id}/index.m3u8`;

/** The route store holds the stream's route (`true`) or not: GetKey's ResourceNotFoundException, as the KVS answers. */
function routed(streamId: string, present: boolean): void {
  const call = kvs.on(GetKeyCommand, { KvsARN: KVS_ARN, Key: liveRouteKey(streamId) });
  if (present) call.resolves({ Key: liveRouteKey(streamId), Value: '{}', ItemCount: 1, TotalSizeInBytes: 2 });
  else call.rejects(new ResourceNotFoundException({ message: 'key not found', $metadata: { httpStatusCode: 404 } }));
}

async function stream() {
  const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
  return store().create({ ...item, state: 'running', claimed_by: 'start-x-v2', viewer_endpoint: VIEWER });
}

beforeEach(() => { kvs.reset(); });

describe('record-live', () => {
  it('records live with its endpoint and leaves the rest (e.g. a running start’s claim) alone', async () => {
    // Prepare
    const s = await stream();
    routed(s.id, true);

    // Act
    const out = await run({ stream_id: s.id, live: true, live_endpoint: endpointOf(s.id) }, deps());

    // Assess
    expect(out).toEqual({ stream_id: s.id, live: true, recorded: true });
    expect(await store().get(s.id)).toMatchObject({ live: true, live_endpoint: endpointOf(s.id), state: 'running', claimed_by: 'start-x-v2' });
  });

  it('records not live with no endpoint', async () => {
    const s = await stream();
    routed(s.id, true);
    await run({ stream_id: s.id, live: true, live_endpoint: endpointOf(s.id) }, deps());
    kvs.reset();
    routed(s.id, false);

    await run(Input.parse({ stream_id: s.id, live: false }), deps());

    expect(await store().get(s.id)).toMatchObject({ live: false, live_endpoint: null });
  });

  it('records what the route store holds, not what its own workflow did: live and unlive racing end agreeing with the route (issue 9 audit)', async () => {
    // Prepare: a live wrote the route, then a concurrent unlive removed it (and recorded not live)
    // before the live's own record step ran.
    const s = await stream();
    routed(s.id, false);
    await run(Input.parse({ stream_id: s.id, live: false }), deps());

    // Act: the live's record step, last
    const out = await run({ stream_id: s.id, live: true, live_endpoint: endpointOf(s.id) }, deps());

    // Assess: not live, as the distribution serves it
    expect(out).toMatchObject({ live: false });
    expect(await store().get(s.id)).toMatchObject({ live: false, live_endpoint: null });

    // And the mirror order: an unlive's record step after a live re-wrote the route
    kvs.reset();
    routed(s.id, true);
    await run(Input.parse({ stream_id: s.id, live: false }), deps());
    expect(await store().get(s.id)).toMatchObject({ live: true, live_endpoint: endpointOf(s.id) });
  });

  it('a record step that read the route before a concurrent one changed it retries on the fresh route, even when the other had nothing to change', async () => {
    // Prepare: the live's record step reads the route (still there); before it writes, the unlive
    // removes the route and records "not live", which the record already said.
    const s = await stream();
    let reads = 0;
    kvs.on(GetKeyCommand).callsFake(async () => {
      reads++;
      if (reads === 1) {
        await run(Input.parse({ stream_id: s.id, live: false }), deps());
        return { Key: liveRouteKey(s.id), Value: '{}', ItemCount: 1, TotalSizeInBytes: 2 };
      }
      throw new ResourceNotFoundException({ message: 'key not found', $metadata: { httpStatusCode: 404 } });
    });

    // Act: the live's record step lands last, on what it read first
    await run({ stream_id: s.id, live: true, live_endpoint: endpointOf(s.id) }, deps());

    // Assess: it read the route again and agrees with the distribution
    expect(await store().get(s.id)).toMatchObject({ live: false, live_endpoint: null });
    expect(reads).toBe(3);
  });

  it('needs nothing for a stream deleted meanwhile', async () => {
    const id = newHexId();
    routed(id, false);
    expect(await run({ stream_id: id, live: false, live_endpoint: null }, deps())).toMatchObject({ recorded: false });
  });

  it('refuses live without an endpoint and not-live with one', () => {
    expect(Input.safeParse({ stream_id: 's', live: true }).success).toBe(false);
    expect(Input.safeParse({ stream_id: 's', live: false, live_endpoint: endpointOf('s') }).success).toBe(false);
  });
});
