import { DescribeChannelCommand, MediaLiveClient, UpdateChannelCommand, type DescribeChannelResponse } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../fixtures/expect-with-message';
import { channelRequest } from '../../../core/domain/encoder-settings';
import { Conflict, Invalid } from '../../../core/domain/errors';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { run } from '../../../tasks/configure-channel';
import { useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const medialive = mockClient(MediaLiveClient);
const deps = () => ({ medialive: medialive as unknown as MediaLiveClient, store: store() });

beforeEach(() => { medialive.reset(); });

/**
 * A channel as create made it (placeholder archive path), as DescribeChannel returns it: with its
 * role, input, log level and maintenance window, and each destination's unused kinds as empty lists
 * (a MediaPackage destination comes back with `Settings: []`: aws/aws-sdk-php#2087 shows the
 * service's own response).
 */
function describedChannel(state: string): DescribeChannelResponse {
  const request = channelRequest({
    streamId: 's',
    inputId: 'in-1',
    packageChannelId: 'pc-1',
    segmentLength: 300,
    archiveBucket: 'archive-bucket',
    roleArn: 'arn:aws:iam::000000000000:role/ml',
    requestId: 'r',
    streamTable: 'streams',
  });
  return {
    Id: 'ch-1',
    Name: request.Name,
    State: state as never,
    ChannelClass: request.ChannelClass,
    Destinations: request.Destinations!.map((d) => ({ Settings: [], MediaPackageSettings: [], ...d })),
    EncoderSettings: request.EncoderSettings,
    InputAttachments: request.InputAttachments,
    InputSpecification: request.InputSpecification,
    LogLevel: 'WARNING',
    Maintenance: { MaintenanceDay: 'TUESDAY', MaintenanceStartTime: '03:00', MaintenanceScheduledDate: '2026-12-08T03:00:00Z', MaintenanceDeadline: '2027-01-01T00:00:00Z' },
    RoleArn: request.RoleArn,
    Tags: request.Tags,
    PipelinesRunningCount: 0,
  };
}

async function idleStream() {
  const item = newStreamItem({ id: newHexId(), name: 'Intro to Rust', segment_length: 120, now: '1' });
  return store().create({ ...item, state: 'starting', live_channel_id: 'ch-1' });
}

describe('configure-channel', () => {
  it("points the archive at the session, sets RolloverInterval and the record's name, and keeps the rest", async () => {
    // Prepare
    const stream = await idleStream();
    const channel = describedChannel('IDLE');
    medialive.on(DescribeChannelCommand, { ChannelId: 'ch-1' }).resolves(channel);
    medialive.on(UpdateChannelCommand).resolves({});

    // Act
    const out = await run({ stream_id: stream.id, archive_path: 's3://archive-bucket/2026/01/01/x-1/' }, deps());

    // Assess
    expect(out).toEqual({ channel_id: 'ch-1', archive_path: 's3://archive-bucket/2026/01/01/x-1/', rollover_interval: 120 });
    const sent = medialive.commandCalls(UpdateChannelCommand)[0].args[0].input;
    expect(sent.ChannelId).toBe('ch-1');
    expect(sent.Name).toBe('Intro to Rust');
    const archive = sent.Destinations!.find((d) => d.Id === 'archive');
    expect(archive?.Settings).toEqual([
      { Url: 's3ssl://archive-bucket/2026/01/01/x-1/archive_1' },
      { Url: 's3ssl://archive-bucket/2026/01/01/x-1/archive_2' },
    ]);
    expect(sent.Destinations!.find((d) => d.Id !== 'archive')).toEqual({ Id: 'mediapackage', MediaPackageSettings: [{ ChannelId: 'pc-1' }] });
    const groups = sent.EncoderSettings!.OutputGroups!;
    expect(groups.find((g) => g.OutputGroupSettings?.ArchiveGroupSettings)?.OutputGroupSettings?.ArchiveGroupSettings?.RolloverInterval).toBe(120);
    expect(groups.find((g) => g.OutputGroupSettings?.MediaPackageGroupSettings)).toEqual(
      channel.EncoderSettings!.OutputGroups!.find((g) => g.OutputGroupSettings?.MediaPackageGroupSettings),
    );
    expect(sent.EncoderSettings!.VideoDescriptions).toEqual(channel.EncoderSettings!.VideoDescriptions);
  });

  it('sends back the role and every setting it does not change, as UpdateChannel removes an omitted role', async () => {
    // "If you do not specify this on an update call but the role was previously set that role will
    // be removed": UpdateChannelRequest.RoleArn, @aws-sdk/client-medialive dist-types/models/models_1.d.ts.
    const stream = await idleStream();
    const channel = describedChannel('IDLE');
    medialive.on(DescribeChannelCommand).resolves(channel);
    medialive.on(UpdateChannelCommand).resolves({});

    await run({ stream_id: stream.id, archive_path: 's3://archive-bucket/2026/01/01/x-1/' }, deps());

    const sent = medialive.commandCalls(UpdateChannelCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      RoleArn: 'arn:aws:iam::000000000000:role/ml',
      InputAttachments: channel.InputAttachments,
      InputSpecification: channel.InputSpecification,
      LogLevel: 'WARNING',
      // The scheduled date is MediaLive's own pick; re-sending it would choose it (SDK doc of MaintenanceUpdateSettings).
      Maintenance: { MaintenanceDay: 'TUESDAY', MaintenanceStartTime: '03:00' },
    });
    expect(sent.Maintenance).not.toHaveProperty('MaintenanceScheduledDate');
    // Describe-only members are not UpdateChannel's to take.
    expect(sent).not.toHaveProperty('State');
    expect(sent).not.toHaveProperty('Tags');
    expect(sent).not.toHaveProperty('PipelinesRunningCount');
  });

  it("drops each destination's empty kinds, which UpdateChannel would reject as more than one kind", async () => {
    // "Exactly one of settings, MediaPackage settings, or Multiplex settings is required for
    // destination": aws/aws-sdk-php#2087 (Describe output sent back), hashicorp/terraform-provider-aws#30659.
    const stream = await idleStream();
    medialive.on(DescribeChannelCommand).resolves(describedChannel('IDLE'));
    medialive.on(UpdateChannelCommand).resolves({});

    await run({ stream_id: stream.id, archive_path: 's3://archive-bucket/2026/01/01/x-1/' }, deps());

    const sent = medialive.commandCalls(UpdateChannelCommand)[0].args[0].input;
    for (const destination of sent.Destinations!) {
      const kinds = (['Settings', 'MediaPackageSettings', 'MultiplexSettings', 'SrtSettings'] as const).filter((k) => destination[k] !== undefined);
      expectWithMessage(kinds, `destination ${destination.Id}`).toHaveLength(1);
    }
  });

  it.each(['CREATING', 'UPDATING', 'STOPPING'])('asks for a retry while the channel is %s', async (state) => {
    const stream = await idleStream();
    medialive.on(DescribeChannelCommand).resolves(describedChannel(state));

    await expect(run({ stream_id: stream.id, archive_path: 's3://b/p/' }, deps())).rejects.toBeInstanceOf(Conflict);
    expect(medialive.commandCalls(UpdateChannelCommand)).toHaveLength(0);
  });

  it('refuses to reconfigure a channel that is already running', async () => {
    const stream = await idleStream();
    medialive.on(DescribeChannelCommand).resolves(describedChannel('RUNNING'));

    await expect(run({ stream_id: stream.id, archive_path: 's3://b/p/' }, deps())).rejects.toBeInstanceOf(Invalid);
    expect(medialive.commandCalls(UpdateChannelCommand)).toHaveLength(0);
  });

  it('fails plainly for a channel without an archive output group', async () => {
    const stream = await idleStream();
    const channel = describedChannel('IDLE');
    channel.EncoderSettings!.OutputGroups = channel.EncoderSettings!.OutputGroups!.filter((g) => !g.OutputGroupSettings?.ArchiveGroupSettings);
    medialive.on(DescribeChannelCommand).resolves(channel);

    await expect(run({ stream_id: stream.id, archive_path: 's3://b/p/' }, deps())).rejects.toThrow(/no archive output group/);
  });

  it('translates an UpdateChannel conflict into a retryable Conflict', async () => {
    const stream = await idleStream();
    medialive.on(DescribeChannelCommand).resolves(describedChannel('IDLE'));
    medialive.on(UpdateChannelCommand).rejects(Object.assign(new Error('busy'), { name: 'ConflictException', $metadata: { httpStatusCode: 409 } }));

    await expect(run({ stream_id: stream.id, archive_path: 's3://b/p/' }, deps())).rejects.toBeInstanceOf(Conflict);
  });
});
