import { BadRequestException, CreateChannelCommand, MediaLiveClient, TooManyRequestsException } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { Invalid, Throttled } from '../../../core/domain/errors';
import { requestToken } from '../../../core/domain/ids';
import { run } from '../../../tasks/create-channel';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const medialive = mockClient(MediaLiveClient);
const ROLE = 'arn:aws:iam::111111111111:role/medialive';
const config = loadConfig({ MEDIALIVE_ROLE_ARN: ROLE, ARCHIVE_BUCKET: 'archive-bucket', TABLE_NAME: 'stack-streams' });
const store = useStreamStore();
const deps = () => ({ medialive: medialive as unknown as MediaLiveClient, store: store(), config });
const EXECUTION = 'create-0123456789abcdef0123456789abcdef-v1';

function input(streamId: string) {
  return { stream_id: streamId, execution_name: EXECUTION, input_id: 'in-1', package_channel_id: `fm-${streamId}`, segment_length: 120 };
}

beforeEach(() => { medialive.reset(); });

describe('create-channel', () => {
  it('makes the channel with the role, the idempotency token, the input and the package channel, and records its id', async () => {
    // Prepare
    const stream = await aStream(store());
    medialive.on(CreateChannelCommand).resolves({ Channel: { Id: 'ch-1', State: 'CREATING' } });

    // Act
    const out = await run(input(stream.id), deps());

    // Assess
    expect(out).toEqual({ channel_id: 'ch-1' });
    expect(medialive).toHaveReceivedCommandWith(CreateChannelCommand, {
      ChannelClass: 'STANDARD',
      RoleArn: ROLE,
      RequestId: requestToken(EXECUTION, 'channel'),
      InputAttachments: [expect.objectContaining({ InputId: 'in-1' })],
      Tags: { stream_id: stream.id, stream_table: 'stack-streams' },
    });
    const request = medialive.commandCalls(CreateChannelCommand)[0].args[0].input;
    expect(request.Destinations![0].MediaPackageSettings).toEqual([{ ChannelId: `fm-${stream.id}` }]);
    expect(request.Destinations![1].Settings![0].Url).toMatch(/^s3ssl:\/\/archive-bucket\//);
    expect(request.EncoderSettings!.OutputGroups![1].OutputGroupSettings!.ArchiveGroupSettings!.RolloverInterval).toBe(120);
    expect((await store().mustGet(stream.id)).live_channel_id).toBe('ch-1');
  });

  it('keeps the channel a stream already has (a retry after the record was written)', async () => {
    const stream = await aStream(store(), { live_channel_id: 'ch-0' });

    const out = await run(input(stream.id), deps());

    expect(out).toEqual({ channel_id: 'ch-0' });
    expect(medialive).not.toHaveReceivedCommand(CreateChannelCommand);
  });

  it('translates throttling into Throttled and records nothing', async () => {
    const stream = await aStream(store());
    medialive.on(CreateChannelCommand).rejects(new TooManyRequestsException({ message: 'slow', $metadata: { httpStatusCode: 429 } }));

    await expect(run(input(stream.id), deps())).rejects.toBeInstanceOf(Throttled);
    expect((await store().mustGet(stream.id)).live_channel_id).toBe('');
  });

  it('translates a rejected request into Invalid, naming what it was doing', async () => {
    const stream = await aStream(store());
    medialive.on(CreateChannelCommand).rejects(new BadRequestException({ message: 'bad encoder settings', $metadata: { httpStatusCode: 400 } }));

    const error = await run(input(stream.id), deps()).catch((e: Error) => e);

    expect(error).toBeInstanceOf(Invalid);
    expect((error as Error).message).toBe('creating MediaLive channel: BadRequestException: bad encoder settings');
  });

  it('refuses to run without the MediaLive role', async () => {
    const stream = await aStream(store());

    await expect(run(input(stream.id), { ...deps(), config: loadConfig({}) })).rejects.toThrow('MEDIALIVE_ROLE_ARN');
    expect(medialive).not.toHaveReceivedCommand(CreateChannelCommand);
  });
});
