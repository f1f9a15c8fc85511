import {
  CreateOriginEndpointCommand,
  DescribeOriginEndpointCommand,
  MediaPackageClient,
  TooManyRequestsException,
  UnprocessableEntityException,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Invalid, Throttled } from '../../../core/domain/errors';
import { Input, run } from '../../../tasks/create-origin-endpoint';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const mediapackage = mockClient(MediaPackageClient);
const store = useStreamStore();
const deps = () => ({ mediapackage: mediapackage as unknown as MediaPackageClient, store: store() });
const URL = 'https://abc.mediapackage.us-east-1.amazonaws.com/out/v1/123/index.m3u8';

beforeEach(() => { mediapackage.reset(); });

/** The input as the handler hands it to `run`: parsed, defaults applied. */
function input(streamId: string, extra: { startover_window_seconds?: number } = {}) {
  return Input.parse({ stream_id: streamId, package_channel_id: `fm-${streamId}`, endpoint_id: `fm-${streamId}-hls`, ...extra });
}

describe('create-origin-endpoint', () => {
  it('makes an HLS endpoint with an hour of start-over by default and records it as the viewer endpoint', async () => {
    // Prepare
    const stream = await aStream(store());
    mediapackage.on(CreateOriginEndpointCommand).resolves({ Id: `fm-${stream.id}-hls`, Url: URL });

    // Act
    const out = await run(input(stream.id), deps());

    // Assess
    expect(out).toEqual({ endpoint_id: `fm-${stream.id}-hls` });
    expect(mediapackage).toHaveReceivedCommandWith(CreateOriginEndpointCommand, {
      Id: `fm-${stream.id}-hls`,
      ChannelId: `fm-${stream.id}`,
      StartoverWindowSeconds: 3600,
      HlsPackage: expect.objectContaining({ SegmentDurationSeconds: 6 }),
    });
    expect(await store().mustGet(stream.id)).toMatchObject({
      package_endpoint_id: `fm-${stream.id}-hls`,
      package_channel_id: `fm-${stream.id}`,
      viewer_endpoint: URL,
    });
  });

  it('uses the start-over window it is given', async () => {
    const stream = await aStream(store());
    mediapackage.on(CreateOriginEndpointCommand).resolves({ Url: URL });

    await run(input(stream.id, { startover_window_seconds: 600 }), deps());

    expect(mediapackage).toHaveReceivedCommandWith(CreateOriginEndpointCommand, { StartoverWindowSeconds: 600 });
  });

  it('takes "already exists" as made by an earlier try and reads its URL back', async () => {
    const stream = await aStream(store());
    mediapackage
      .on(CreateOriginEndpointCommand)
      .rejects(new UnprocessableEntityException({ message: 'Origin endpoint already exists', $metadata: { httpStatusCode: 422 } }));
    mediapackage.on(DescribeOriginEndpointCommand).resolves({ Id: `fm-${stream.id}-hls`, Url: URL });

    await run(input(stream.id), deps());

    expect(mediapackage).toHaveReceivedCommandWith(DescribeOriginEndpointCommand, { Id: `fm-${stream.id}-hls` });
    expect((await store().mustGet(stream.id)).viewer_endpoint).toBe(URL);
  });

  it('does not mistake another 422 for "already exists"', async () => {
    const stream = await aStream(store());
    mediapackage
      .on(CreateOriginEndpointCommand)
      .rejects(new UnprocessableEntityException({ message: 'StartoverWindowSeconds out of range', $metadata: { httpStatusCode: 422 } }));

    await expect(run(input(stream.id), deps())).rejects.toBeInstanceOf(Invalid);
    expect(mediapackage).not.toHaveReceivedCommand(DescribeOriginEndpointCommand);
  });

  it('translates throttling into Throttled, and records nothing', async () => {
    const stream = await aStream(store());
    mediapackage.on(CreateOriginEndpointCommand).rejects(new TooManyRequestsException({ message: 'slow', $metadata: { httpStatusCode: 429 } }));

    await expect(run(input(stream.id), deps())).rejects.toBeInstanceOf(Throttled);
    expect((await store().mustGet(stream.id)).viewer_endpoint).toBe('');
  });
});
