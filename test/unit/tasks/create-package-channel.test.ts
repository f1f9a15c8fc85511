import {
  CreateChannelCommand,
  DescribeChannelCommand,
  MediaPackageClient,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { NotFound, Transient } from '../../../core/domain/errors';
import { run } from '../../../tasks/create-package-channel';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const mediapackage = mockClient(MediaPackageClient);
const store = useStreamStore();
const deps = () => ({ mediapackage: mediapackage as unknown as MediaPackageClient, store: store() });

beforeEach(() => { mediapackage.reset(); });

describe('create-package-channel', () => {
  it('makes the MediaPackage channel under the id it is given and records it', async () => {
    // Prepare
    const stream = await aStream(store());
    mediapackage.on(CreateChannelCommand).resolves({ Id: `fm-${stream.id}` });

    // Act
    const out = await run({ stream_id: stream.id, package_channel_id: `fm-${stream.id}` }, deps());

    // Assess
    expect(out).toEqual({ package_channel_id: `fm-${stream.id}` });
    expect(mediapackage).toHaveReceivedCommandWith(CreateChannelCommand, { Id: `fm-${stream.id}`, Tags: { stream_id: stream.id } });
    expect((await store().mustGet(stream.id)).package_channel_id).toBe(`fm-${stream.id}`);
  });

  it('takes "already exists" as made by an earlier try of this step', async () => {
    const stream = await aStream(store());
    mediapackage
      .on(CreateChannelCommand)
      .rejects(new UnprocessableEntityException({ message: `Channel already exists with id fm-${stream.id}`, $metadata: { httpStatusCode: 422 } }));
    mediapackage.on(DescribeChannelCommand).resolves({ Id: `fm-${stream.id}` });

    const out = await run({ stream_id: stream.id, package_channel_id: `fm-${stream.id}` }, deps());

    expect(out).toEqual({ package_channel_id: `fm-${stream.id}` });
    expect((await store().mustGet(stream.id)).package_channel_id).toBe(`fm-${stream.id}`);
  });

  it('fails if the channel said to exist cannot be read', async () => {
    const stream = await aStream(store());
    mediapackage
      .on(CreateChannelCommand)
      .rejects(new UnprocessableEntityException({ message: 'Channel already exists', $metadata: { httpStatusCode: 422 } }));
    mediapackage.on(DescribeChannelCommand).rejects(new NotFoundException({ message: 'no channel', $metadata: { httpStatusCode: 404 } }));

    await expect(run({ stream_id: stream.id, package_channel_id: 'fm-x' }, deps())).rejects.toBeInstanceOf(NotFound);
    expect((await store().mustGet(stream.id)).package_channel_id).toBe('');
  });

  it('translates a 5xx into Transient, which the workflow retries', async () => {
    const stream = await aStream(store());
    mediapackage
      .on(CreateChannelCommand)
      .rejects(new ServiceUnavailableException({ message: 'try later', $metadata: { httpStatusCode: 503 } }));

    const error = await run({ stream_id: stream.id, package_channel_id: 'fm-x' }, deps()).catch((e: Error) => e);

    expect(error).toBeInstanceOf(Transient);
    expect((error as Error).message).toMatch(/^creating MediaPackage channel: /);
    expect(mediapackage).not.toHaveReceivedCommand(DescribeChannelCommand);
  });
});
