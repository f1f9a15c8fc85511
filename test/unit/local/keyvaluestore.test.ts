import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  ConflictException,
  PutKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { aws } from '../../../core/aws/calls';
import { Conflict, Invalid, NotFound } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalKeyValueStore } from '../../../local/keyvaluestore';

const ARN = 'arn:aws:cloudfront::000000000000:key-value-store/live';
let dir: string;
let kvs: LocalKeyValueStore;
let client: CloudFrontKeyValueStoreClient;

function open() {
  kvs = new LocalKeyValueStore({ kvsArn: ARN, stateFile: join(dir, 'kvs.json') });
  client = bindLocalService(new CloudFrontKeyValueStoreClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), kvs.service);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-'));
  open();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function etag() {
  return (await client.send(new DescribeKeyValueStoreCommand({ KvsARN: ARN }))).ETag;
}

describe('local CloudFront KeyValueStore', () => {
  it('puts a key against the current ETag, returns the next one, and the media plane can look it up', async () => {
    const before = await etag();

    const put = await client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'stream-a', Value: '{"origin":"http://o/"}', IfMatch: before }));

    expect(put.ETag).not.toBe(before);
    expect(put).toMatchObject({ ItemCount: 1, ETag: await etag() });
    expect(kvs.lookup('stream-a')).toBe('{"origin":"http://o/"}');
    expect(kvs.lookup('constructor')).toBeUndefined();
  });

  it('rejects a write with a stale ETag as a conflict, so two writers cannot both win blindly', async () => {
    const stale = await etag();
    await client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'a', Value: '1', IfMatch: stale }));

    const second = aws('putting key', () => client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'b', Value: '2', IfMatch: stale })));

    await expect(second).rejects.toBeInstanceOf(Conflict);
    expect(kvs.lookup('b')).toBeUndefined();
  });

  it("answers an IfMatch mismatch with the real service's error: ConflictException, HTTP 409", async () => {
    // PutKey/DeleteKey/UpdateKeys take the store's ETag as If-Match and model one error for a store
    // "not in expected state": ConflictException (@aws-sdk/client-cloudfront-keyvaluestore
    // dist-types/commands/PutKeyCommand.d.ts @throws; HTTP 409 in its error schema;
    // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html). The control
    // plane's PreconditionFailed (412) is UpdateKeyValueStore's, not the data plane's.
    const stale = await etag();
    await client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'a', Value: '1', IfMatch: stale }));

    const put = client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'b', Value: '2', IfMatch: stale }));
    const remove = client.send(new DeleteKeyCommand({ KvsARN: ARN, Key: 'a', IfMatch: stale }));
    const batch = client.send(new UpdateKeysCommand({ KvsARN: ARN, Puts: [{ Key: 'c', Value: '3' }], IfMatch: stale }));

    for (const write of [put, remove, batch]) {
      await expect(write).rejects.toBeInstanceOf(ConflictException);
      await expect(write).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    }
    expect(kvs.lookup('a')).toBe('1');
  });

  it('refuses a write that would take the store past 5 MB with ServiceQuotaExceededException (not retried)', async () => {
    // "Total size of a key value store: 5 MB" (CloudFront quotas,
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html);
    // the data plane's "Limit exceeded" error is ServiceQuotaExceededException (HTTP 402, SDK error schema).
    const memory = new LocalKeyValueStore({ kvsArn: ARN });
    const inMemory = bindLocalService(new CloudFrontKeyValueStoreClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), memory.service);
    const batch = (from: number) =>
      Array.from({ length: 1000 }, (_, i) => ({ Key: `k${String(from + i).padStart(500, '0')}`, Value: 'v'.repeat(1000) }));
    const current = async () => (await inMemory.send(new DescribeKeyValueStoreCommand({ KvsARN: ARN }))).ETag;
    for (let n = 0; n < 3; n++) await inMemory.send(new UpdateKeysCommand({ KvsARN: ARN, Puts: batch(n * 1000), IfMatch: await current() }));

    const over = aws('putting keys', async () => inMemory.send(new UpdateKeysCommand({ KvsARN: ARN, Puts: [...batch(3000), ...batch(4000)], IfMatch: await current() })));

    await expect(over).rejects.toBeInstanceOf(Invalid);
    await expect(over).rejects.toMatchObject({ cause: { name: 'ServiceQuotaExceededException' } });
    expect(memory.lookup(batch(3000)[0].Key)).toBeUndefined();
  });

  it('deletes a key; a missing key or store is NotFound; oversize values are invalid', async () => {
    await client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'a', Value: '1', IfMatch: await etag() }));
    await client.send(new DeleteKeyCommand({ KvsARN: ARN, Key: 'a', IfMatch: await etag() }));

    const again = aws('deleting', async () => client.send(new DeleteKeyCommand({ KvsARN: ARN, Key: 'a', IfMatch: await etag() })));
    const get = aws('getting', () => client.send(new GetKeyCommand({ KvsARN: ARN, Key: 'a' })));
    const otherStore = aws('describing', () => client.send(new DescribeKeyValueStoreCommand({ KvsARN: `${ARN}-2` })));
    const big = aws('putting', async () => client.send(new PutKeyCommand({ KvsARN: ARN, Key: 'a', Value: 'x'.repeat(1025), IfMatch: await etag() })));

    await expect(again).rejects.toBeInstanceOf(NotFound);
    await expect(get).rejects.toBeInstanceOf(NotFound);
    await expect(otherStore).rejects.toBeInstanceOf(NotFound);
    await expect(big).rejects.toBeInstanceOf(Invalid);
  });

  it('lists keys in pages and keeps them across a restart', async () => {
    for (const key of ['c', 'a', 'b']) {
      await client.send(new PutKeyCommand({ KvsARN: ARN, Key: key, Value: key, IfMatch: await etag() }));
    }

    open();
    const first = await client.send(new ListKeysCommand({ KvsARN: ARN, MaxResults: 2 }));
    const second = await client.send(new ListKeysCommand({ KvsARN: ARN, MaxResults: 2, NextToken: first.NextToken }));

    expect(first.Items!.map((i) => i.Key)).toEqual(['a', 'b']);
    expect(second.Items!.map((i) => i.Key)).toEqual(['c']);
    expect(second.NextToken).toBeUndefined();
  });
});
