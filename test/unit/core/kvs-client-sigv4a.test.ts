import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from '@jest/globals';
import '../../../core/aws/clients/kvs';

describe('core/aws/clients/kvs', () => {
  it('registers the JS SigV4A signer, so KeyValueStore requests are signed with SigV4A', async () => {
    // Prepare: a client whose transport captures the signed request instead of sending it
    let signed: HttpRequest | undefined;
    const client = new CloudFrontKeyValueStoreClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: (request: HttpRequest) => {
          signed = request;
          return Promise.reject(Object.assign(new Error('captured'), { name: 'Captured' }));
        },
      },
    });

    // Act
    const sent = client.send(
      new DescribeKeyValueStoreCommand({
        KvsARN: 'arn:aws:cloudfront::000000000000:key-value-store/0123abcd-0000-0000-0000-000000000000',
      }),
    );

    // Assess
    await expect(sent).rejects.toThrow('captured');
    expect(signed?.headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
    expect(signed?.headers['x-amz-region-set']).toBe('*');
  });
});
