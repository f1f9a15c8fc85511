import {
  CloudFrontKeyValueStoreClient,
  ConflictException,
  DescribeKeyValueStoreCommand,
  PutKeyCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { Conflict, Invalid, NotFound, Transient } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { run } from '../../../tasks/put-live-route';
import { useStreamStore } from '../../fixtures/stream-store';

const KVS_ARN = 'arn:aws:cloudfront::000000000000:key-value-store/0123abcd-0000-0000-0000-000000000000';
const VIEWER = 'https://abc.mediapackage.us-east-1.amazonaws.com/out/v1/ep-hash/index.m3u8';
const store = useStreamStore();
const kvs = mockClient(CloudFrontKeyValueStoreClient);
const config = loadConfig({ LIVE_KVS_ARN: KVS_ARN, LIVE_BASE_URL: 'https://live.example.com' });
const deps = () => ({ kvs: kvs as unknown as CloudFrontKeyValueStoreClient, store: store(), config });

beforeEach(() => {
  kvs.reset();
  kvs.on(DescribeKeyValueStoreCommand, { KvsARN: KVS_ARN }).resolves({ ETag: 'etag-1', KvsARN: KVS_ARN, ItemCount: 0, TotalSizeInBytes: 0, Created: new Date() });
  kvs.on(PutKeyCommand).resolves({ ETag: 'etag-2', ItemCount: 1, TotalSizeInBytes: 10 });
});

async function runningStream(viewer = VIEWER) {
  const item = newStreamItem({ id: newHexId(), name: 'w', now: '1' });
  return store().create({ ...item, state: 'running', viewer_endpoint: viewer });
}

describe('put-live-route', () => {
  it("writes the stream's origin under its id with the store's current ETag and returns the live endpoint", async () => {
    // Prepare
    const stream = await runningStream();

    // Act
    const out = await run({ stream_id: stream.id }, deps());

    // Assess
    expect(out).toEqual({ key: stream.id, live_endpoint: `https://live.example.com/live/${stream.id}/index.m3u8` });
    expect(kvs.commandCalls(PutKeyCommand)[0].args[0].input).toEqual({
      KvsARN: KVS_ARN,
      Key: stream.id,
      Value: JSON.stringify({ origin: 'https://abc.mediapackage.us-east-1.amazonaws.com/out/v1/ep-hash/' }),
      IfMatch: 'etag-1',
    });
  });

  it('reports an ETag mismatch (another route written meanwhile) as a retryable Conflict, and the retry uses the fresh ETag', async () => {
    const stream = await runningStream();
    kvs.on(PutKeyCommand).rejectsOnce(new ConflictException({ message: 'etag mismatch', $metadata: { httpStatusCode: 409 } }));

    await expect(run({ stream_id: stream.id }, deps())).rejects.toBeInstanceOf(Conflict);
    kvs.on(DescribeKeyValueStoreCommand).resolves({ ETag: 'etag-after-other-write', KvsARN: KVS_ARN, ItemCount: 1, TotalSizeInBytes: 1, Created: new Date() });
    await run({ stream_id: stream.id }, deps());

    expect(kvs.commandCalls(PutKeyCommand).map((c) => c.args[0].input.IfMatch)).toEqual(['etag-1', 'etag-after-other-write']);
  });

  it.each([
    ['ValidationException', 400, Invalid],
    ['AccessDeniedException', 403, Invalid],
    ['ServiceQuotaExceededException', 402, Invalid],
    ['InternalServerException', 500, Transient],
  ] as const)('reports a %s as %O: only an ETag mismatch, throttling and 5xx are retried', async (name, status, named) => {
    // The KVS data plane's modeled errors and their HTTP codes: @aws-sdk/client-cloudfront-keyvaluestore
    // dist-types/commands/PutKeyCommand.d.ts (@throws) and its error schema.
    const stream = await runningStream();
    kvs.on(PutKeyCommand).rejects(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }));

    await expect(run({ stream_id: stream.id }, deps())).rejects.toBeInstanceOf(named);
  });

  it('fails plainly for a stream without a viewer endpoint yet', async () => {
    const stream = await runningStream('');

    await expect(run({ stream_id: stream.id }, deps())).rejects.toBeInstanceOf(Invalid);
    expect(kvs.commandCalls(PutKeyCommand)).toHaveLength(0);
  });

  it('fails when the live routes store does not exist (misconfigured ARN)', async () => {
    const stream = await runningStream();
    kvs.on(DescribeKeyValueStoreCommand).rejects(new ResourceNotFoundException({ message: 'no store', $metadata: { httpStatusCode: 404 } }));

    await expect(run({ stream_id: stream.id }, deps())).rejects.toBeInstanceOf(NotFound);
  });

  it('names the missing setting when the live distribution is not configured', async () => {
    const stream = await runningStream();

    await expect(run({ stream_id: stream.id }, { ...deps(), config: loadConfig({}) })).rejects.toThrow('LIVE_KVS_ARN is not set');
  });
});
