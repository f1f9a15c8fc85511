import {
  DeleteOriginEndpointCommand,
  InternalServerErrorException,
  MediaPackageClient,
  NotFoundException,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Transient } from '../../../core/domain/errors';
import { run } from '../../../tasks/delete-origin-endpoint';

const mediapackage = mockClient(MediaPackageClient);
const deps = { mediapackage: mediapackage as unknown as MediaPackageClient };

beforeEach(() => { mediapackage.reset(); });

describe('delete-origin-endpoint', () => {
  it('deletes the endpoint', async () => {
    // Prepare
    mediapackage.on(DeleteOriginEndpointCommand).resolves({});

    // Act
    const out = await run({ endpoint_id: 'fm-x-hls' }, deps);

    // Assess
    expect(out).toEqual({ deleted: true });
    expect(mediapackage).toHaveReceivedCommandWith(DeleteOriginEndpointCommand, { Id: 'fm-x-hls' });
  });

  it('counts an endpoint that is gone as deleted', async () => {
    mediapackage.on(DeleteOriginEndpointCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    expect(await run({ endpoint_id: 'fm-x-hls' }, deps)).toEqual({ deleted: false });
  });

  it('has nothing to do for a stream that never got an endpoint', async () => {
    expect(await run({ endpoint_id: '' }, deps)).toEqual({ deleted: false });
    expect(mediapackage).not.toHaveReceivedAnyCommand();
  });

  it('translates a 5xx into Transient, naming the endpoint', async () => {
    mediapackage.on(DeleteOriginEndpointCommand).rejects(new InternalServerErrorException({ message: 'oops', $metadata: { httpStatusCode: 500 } }));

    const error = await run({ endpoint_id: 'fm-x-hls' }, deps).catch((e: Error) => e);

    expect(error).toBeInstanceOf(Transient);
    expect((error as Error).message).toMatch(/^deleting MediaPackage origin endpoint fm-x-hls: /);
  });
});
