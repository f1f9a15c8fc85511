import {
  CloudFrontKeyValueStoreClient,
  ConflictException,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { Conflict, NotFound } from '../../../core/domain/errors';
import { run } from '../../../tasks/remove-live-route';

const KVS_ARN = 'arn:aws:cloudfront::000000000000:key-value-store/0123abcd-0000-0000-0000-000000000000';
const STREAM = '0123456789abcdef0123456789abcdef';
const kvs = mockClient(CloudFrontKeyValueStoreClient);
const deps = { kvs: kvs as unknown as CloudFrontKeyValueStoreClient, config: loadConfig({ LIVE_KVS_ARN: KVS_ARN }) };

beforeEach(() => {
  kvs.reset();
  kvs.on(DescribeKeyValueStoreCommand, { KvsARN: KVS_ARN }).resolves({ ETag: 'etag-1', KvsARN: KVS_ARN, ItemCount: 1, TotalSizeInBytes: 1, Created: new Date() });
});

describe('remove-live-route', () => {
  it("deletes the stream's key with the store's current ETag", async () => {
    // Prepare
    kvs.on(DeleteKeyCommand).resolves({ ETag: 'etag-2', ItemCount: 0, TotalSizeInBytes: 0 });

    // Act
    const out = await run({ stream_id: STREAM }, deps);

    // Assess
    expect(out).toEqual({ removed: true });
    expect(kvs.commandCalls(DeleteKeyCommand)[0].args[0].input).toEqual({ KvsARN: KVS_ARN, Key: STREAM, IfMatch: 'etag-1' });
  });

  it('counts a key that is not there as already removed', async () => {
    kvs.on(DeleteKeyCommand).rejects(new ResourceNotFoundException({ message: 'no such key', $metadata: { httpStatusCode: 404 } }));

    expect(await run({ stream_id: STREAM }, deps)).toEqual({ removed: false });
  });

  it('reports an ETag mismatch as a retryable Conflict', async () => {
    kvs.on(DeleteKeyCommand).rejects(new ConflictException({ message: 'etag mismatch', $metadata: { httpStatusCode: 409 } }));

    await expect(run({ stream_id: STREAM }, deps)).rejects.toBeInstanceOf(Conflict);
  });

  it('does not pass for done when the store itself is missing', async () => {
    kvs.on(DescribeKeyValueStoreCommand).rejects(new ResourceNotFoundException({ message: 'no store', $metadata: { httpStatusCode: 404 } }));

    await expect(run({ stream_id: STREAM }, deps)).rejects.toBeInstanceOf(NotFound);
    expect(kvs.commandCalls(DeleteKeyCommand)).toHaveLength(0);
  });
});
