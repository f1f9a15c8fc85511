import {
  DeleteChannelCommand,
  MediaPackageClient,
  NotFoundException,
  UnprocessableEntityException,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Invalid } from '../../../core/domain/errors';
import { run } from '../../../tasks/delete-package-channel';

const mediapackage = mockClient(MediaPackageClient);
const deps = { mediapackage: mediapackage as unknown as MediaPackageClient };

beforeEach(() => { mediapackage.reset(); });

describe('delete-package-channel', () => {
  it('deletes the MediaPackage channel', async () => {
    // Prepare
    mediapackage.on(DeleteChannelCommand).resolves({});

    // Act
    const out = await run({ package_channel_id: 'fm-x' }, deps);

    // Assess
    expect(out).toEqual({ deleted: true });
    expect(mediapackage).toHaveReceivedCommandWith(DeleteChannelCommand, { Id: 'fm-x' });
  });

  it('counts a channel that is gone as deleted', async () => {
    mediapackage.on(DeleteChannelCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    expect(await run({ package_channel_id: 'fm-x' }, deps)).toEqual({ deleted: false });
  });

  it('has nothing to do for a stream that never got one', async () => {
    expect(await run({ package_channel_id: '' }, deps)).toEqual({ deleted: false });
    expect(mediapackage).not.toHaveReceivedAnyCommand();
  });

  it('fails as Invalid when MediaPackage refuses (an endpoint still on it)', async () => {
    mediapackage
      .on(DeleteChannelCommand)
      .rejects(new UnprocessableEntityException({ message: 'channel has endpoints', $metadata: { httpStatusCode: 422 } }));

    await expect(run({ package_channel_id: 'fm-x' }, deps)).rejects.toBeInstanceOf(Invalid);
  });
});
