import { CreateChannelCommand, CreateOriginEndpointCommand, MediaPackageClient, UpdateOriginEndpointCommand } from '@aws-sdk/client-mediapackage';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../fixtures/expect-with-message';
import { aws } from '../../../core/aws/calls';
import { Invalid } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalMediaPackage } from '../../../local/mediapackage';

// The MediaPackage (v1) rules the create and start workflows rely on, at their exact bounds.
let client: MediaPackageClient;

beforeEach(() => {
  client = bindLocalService(new MediaPackageClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), new LocalMediaPackage({ mediaPort: 8089 }).service);
});

const create = (id: string) => aws('creating channel', () => client.send(new CreateChannelCommand({ Id: id })));

describe('local MediaPackage limits', () => {
  it('takes ids of letters, digits, - and _ up to 256 characters, as the workflows make them, and nothing else', async () => {
    // AWS::MediaPackage::Channel Id: "Pattern: \A[0-9a-zA-Z-_]+\Z, Minimum: 1, Maximum: 256"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-mediapackage-channel.html).
    const streamId = newHexId();

    await create(`fm-${streamId}`);
    await create('a'.repeat(256));
    for (const bad of ['a'.repeat(257), 'has space', 'dot.ted', 'slash/ed', '']) await expectWithMessage(create(bad), bad).rejects.toBeInstanceOf(Invalid);
  });

  it('keeps a startover window of up to 1,209,600 s (14 days), and refuses one longer', async () => {
    // "MediaPackage supports time-shifted viewing for content that's up to 336 hours (14 days) old. You can
    // enable time-shifted viewing ... by defining the startover window on the endpoint"
    // (https://docs.aws.amazon.com/mediapackage/latest/ug/time-shifted.html); the API's
    // startover_window_seconds is bounded to match (core/domain/archive-path.ts).
    await client.send(new CreateChannelCommand({ Id: 'pkg' }));
    const endpoint = (Id: string, StartoverWindowSeconds: number) =>
      aws('creating endpoint', () => client.send(new CreateOriginEndpointCommand({ ChannelId: 'pkg', Id, StartoverWindowSeconds, HlsPackage: {} })));

    const longest = await endpoint('ep-max', 1_209_600);
    const update = aws('updating endpoint', () => client.send(new UpdateOriginEndpointCommand({ Id: 'ep-max', StartoverWindowSeconds: 1_209_601 })));

    expect(longest.StartoverWindowSeconds).toBe(1_209_600);
    await expect(endpoint('ep-over', 1_209_601)).rejects.toBeInstanceOf(Invalid);
    await expect(update).rejects.toBeInstanceOf(Invalid);
  });
});
