import {
  CreateChannelCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListChannelsCommand,
  ListStreamKeysCommand,
  ConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-ivs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Conflict, NotFound } from '../../../core/domain/errors';
import { run as deleteChannel } from '../../../tasks/delete-ivs-channel';
import { run as ensureChannel } from '../../../tasks/ensure-ivs-channel';
import { useStreamStore } from '../../fixtures/stream-store';
import { aStream, config } from './connector-fixtures';

const ivs = mockClient(IvsClient);
const store = useStreamStore();
const deps = () => ({ store: store(), ivs: ivs as unknown as IvsClient, config });
const ARN = 'arn:aws:ivs:us-east-1:1:channel/abc';
const CHANNEL = { arn: ARN, name: 'x', ingestEndpoint: 'abc.global-contribute.live-video.net', playbackUrl: 'https://abc.us-east-1.playback.live-video.net/api/video/v1/x.m3u8' };
const KEY = 'sk_us-east-1_TOPSECRET';
const notFound = () => new ResourceNotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } });

beforeEach(() => { ivs.reset(); });

describe('ensure-ivs-channel', () => {
  it('creates the stream channel once, tagged with its stream and this stack\'s table (the reconciler\'s mark), and writes the playback and ingest URLs, returning only its ARN', async () => {
    const item = await aStream(store());
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(CreateChannelCommand).resolves({ channel: CHANNEL, streamKey: { value: KEY } });

    const out = await ensureChannel({ stream_id: item.id }, deps());

    expect(out).toEqual({ channel_arn: ARN });
    expect(JSON.stringify(out)).not.toContain('sk_');
    expect(ivs).toHaveReceivedCommandWith(CreateChannelCommand, { name: `fm-${item.id}`, latencyMode: 'LOW', type: 'STANDARD', tags: { stream_id: item.id, stream_table: 'streams' } });
    const stored = await store().mustGet(item.id);
    expect(stored).toMatchObject({
      ivs_channel_arn: ARN,
      ivs_viewer_endpoint: CHANNEL.playbackUrl,
      rtmp_ivs: `rtmps://abc.global-contribute.live-video.net:443/app/${KEY}`,
    });
  });

  it('reuses the recorded channel, reading its key', async () => {
    const item = await aStream(store(), { ivs_channel_arn: ARN });
    ivs.on(GetChannelCommand).resolves({ channel: CHANNEL });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: 'arn:key' }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: { value: KEY } });

    await ensureChannel({ stream_id: item.id }, deps());

    expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
    expect(ivs).toHaveReceivedCommandWith(GetStreamKeyCommand, { arn: 'arn:key' });
    expect((await store().mustGet(item.id)).rtmp_ivs).toContain(KEY);
  });

  it("tags a reused channel made before IVS channels were tagged, and leaves one already this stack's alone", async () => {
    // Prepare
    const untagged = await aStream(store(), { ivs_channel_arn: ARN });
    const tagged = await aStream(store(), { ivs_channel_arn: `${ARN}2` });
    ivs.on(GetChannelCommand, { arn: ARN }).resolves({ channel: CHANNEL });
    ivs.on(GetChannelCommand, { arn: `${ARN}2` }).resolves({ channel: { ...CHANNEL, arn: `${ARN}2`, tags: { stream_table: 'streams' } } });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: 'arn:key' }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: { value: KEY } });
    // Act
    await ensureChannel({ stream_id: untagged.id }, deps());
    await ensureChannel({ stream_id: tagged.id }, deps());
    // Assess
    expect(ivs).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: ARN, tags: { stream_id: untagged.id, stream_table: 'streams' } });
  });

  it('adopts a channel of the stream’s name that a crash left unrecorded', async () => {
    const item = await aStream(store());
    ivs.on(ListChannelsCommand).resolves({ channels: [{ arn: ARN, name: `fm-${item.id}` }] });
    ivs.on(GetChannelCommand).resolves({ channel: CHANNEL });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: 'arn:key' }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: { value: KEY } });

    await ensureChannel({ stream_id: item.id }, deps());

    expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
    expect((await store().mustGet(item.id)).ivs_channel_arn).toBe(ARN);
  });

  it('makes a new channel when the recorded one is gone', async () => {
    const item = await aStream(store(), { ivs_channel_arn: 'arn:aws:ivs:us-east-1:1:channel/old' });
    ivs.on(GetChannelCommand).rejects(notFound());
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(CreateChannelCommand).resolves({ channel: CHANNEL, streamKey: { value: KEY } });

    await ensureChannel({ stream_id: item.id }, deps());

    expect((await store().mustGet(item.id)).ivs_channel_arn).toBe(ARN);
  });

  it('deletes the channel it made if the stream was deleted meanwhile', async () => {
    const item = await aStream(store());
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(CreateChannelCommand).callsFake(async () => {
      await store().delete(item.id);
      return { channel: CHANNEL, streamKey: { value: KEY } };
    });
    ivs.on(DeleteChannelCommand).resolves({});

    await expect(ensureChannel({ stream_id: item.id }, deps())).rejects.toBeInstanceOf(NotFound);
    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: ARN });
  });

  it('records no channel on a stream a delete claimed meanwhile, and deletes the one it made (its delete may have run already)', async () => {
    const item = await aStream(store());
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(CreateChannelCommand).callsFake(async () => {
      await store().claim(item.id, 'delete', 'delete-x-v2');
      return { channel: CHANNEL, streamKey: { value: KEY } };
    });
    ivs.on(DeleteChannelCommand).resolves({});

    await expect(ensureChannel({ stream_id: item.id }, deps())).rejects.toMatchObject({ name: 'StreamStateConflict' });

    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: ARN });
    expect(await store().mustGet(item.id)).toMatchObject({ state: 'deleting', ivs_channel_arn: null, rtmp_ivs: null });
  });
});

describe('delete-ivs-channel', () => {
  it('deletes the recorded channel and one of the stream’s name', async () => {
    const item = await aStream(store(), { ivs_channel_arn: ARN });
    ivs.on(ListChannelsCommand).resolves({ channels: [{ arn: 'arn:orphan', name: `fm-${item.id}` }, { arn: 'arn:other', name: `fm-${item.id}x` }] });
    ivs.on(DeleteChannelCommand).resolves({});

    expect(await deleteChannel({ stream_id: item.id }, deps())).toEqual({ deleted: 2 });
    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: ARN });
    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: 'arn:orphan' });
    expect(ivs).not.toHaveReceivedCommandWith(DeleteChannelCommand, { arn: 'arn:other' });
  });

  it('counts a channel already gone as done', async () => {
    const item = await aStream(store(), { ivs_channel_arn: ARN });
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(DeleteChannelCommand).rejects(notFound());

    expect(await deleteChannel({ stream_id: item.id }, deps())).toEqual({ deleted: 0 });
  });

  it('asks the workflow to retry while the channel is still live', async () => {
    const item = await aStream(store(), { ivs_channel_arn: ARN });
    ivs.on(ListChannelsCommand).resolves({ channels: [] });
    ivs.on(DeleteChannelCommand).rejects(new ConflictException({ message: 'live', $metadata: { httpStatusCode: 409 } }));

    await expect(deleteChannel({ stream_id: item.id }, deps())).rejects.toBeInstanceOf(Conflict);
  });
});
