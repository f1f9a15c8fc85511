import { describe, expect, it } from '@jest/globals';
import {
  ARCHIVE_DESTINATION_ID,
  MEDIAPACKAGE_DESTINATION_ID,
  archiveDestination,
  channelRequest,
  encoderSettings,
} from '../../../core/domain/encoder-settings';

const spec = {
  streamId: '0123456789abcdef0123456789abcdef',
  inputId: 'in-1',
  packageChannelId: 'fm-0123456789abcdef0123456789abcdef',
  segmentLength: 120,
  archiveBucket: 'archive-bucket',
  roleArn: 'arn:aws:iam::111111111111:role/medialive',
  requestId: 'token-1',
  streamTable: 'stack-streams',
};

describe('encoderSettings', () => {
  it('encodes the 360p/540p/720p/1080p ladder at 29.97 fps with closed 2 s GOPs in H.264', () => {
    // Act
    const settings = encoderSettings(300);

    // Assess
    const sizes = settings.VideoDescriptions!.map((v) => `${v.Width}x${v.Height}`);
    expect(sizes.sort()).toEqual(['1280x720', '1920x1080', '640x360', '960x540']);
    for (const v of settings.VideoDescriptions!) {
      expect(v.CodecSettings?.H264Settings).toMatchObject({
        FramerateControl: 'SPECIFIED',
        FramerateNumerator: 30000,
        FramerateDenominator: 1001,
        GopSize: 2,
        GopSizeUnits: 'SECONDS',
        GopClosedCadence: 1,
        ScanType: 'PROGRESSIVE',
      });
    }
  });

  it('encodes AAC stereo for every rendition, read from the input selector the channel defines', () => {
    const settings = encoderSettings(300);

    expect(settings.AudioDescriptions).toHaveLength(4);
    for (const a of settings.AudioDescriptions!) {
      expect(a.AudioSelectorName).toBe('default');
      expect(a.CodecSettings?.AacSettings).toMatchObject({ CodingMode: 'CODING_MODE_2_0', SampleRate: 48000 });
    }
  });

  it('sends every rendition to MediaPackage and the top one to the archive, rolling over every segment_length seconds', () => {
    const settings = encoderSettings(120);

    const [mediapackage, archive] = settings.OutputGroups!;
    expect(mediapackage.OutputGroupSettings!.MediaPackageGroupSettings!.Destination!.DestinationRefId).toBe(MEDIAPACKAGE_DESTINATION_ID);
    expect(mediapackage.Outputs!.map((o) => o.VideoDescriptionName).sort()).toEqual(
      ['video_1080p', 'video_360p', 'video_540p', 'video_720p'],
    );
    expect(archive.OutputGroupSettings!.ArchiveGroupSettings).toEqual({
      Destination: { DestinationRefId: ARCHIVE_DESTINATION_ID },
      RolloverInterval: 120,
    });
    expect(archive.Outputs).toHaveLength(1);
    expect(archive.Outputs![0]).toMatchObject({ VideoDescriptionName: 'video_1080p', AudioDescriptionNames: ['audio_1080p'] });
  });

  it('names only encodes that exist, so MediaLive accepts every reference', () => {
    const settings = encoderSettings(300);

    const videos = new Set(settings.VideoDescriptions!.map((v) => v.Name));
    const audios = new Set(settings.AudioDescriptions!.map((a) => a.Name));
    for (const output of settings.OutputGroups!.flatMap((g) => g.Outputs!)) {
      expect(videos).toContain(output.VideoDescriptionName);
      for (const name of output.AudioDescriptionNames!) expect(audios).toContain(name);
    }
  });
});

describe('archiveDestination', () => {
  it('gives each pipeline its own s3ssl:// base under the archive path', () => {
    expect(archiveDestination('s3://bucket/2026/01/02/abc-1700000000/')).toEqual({
      Id: ARCHIVE_DESTINATION_ID,
      Settings: [
        { Url: 's3ssl://bucket/2026/01/02/abc-1700000000/archive_1' },
        { Url: 's3ssl://bucket/2026/01/02/abc-1700000000/archive_2' },
      ],
    });
  });
});

describe('channelRequest', () => {
  it('makes a STANDARD channel with the role, the idempotency token and the stream input attached', () => {
    const request = channelRequest(spec);

    expect(request).toMatchObject({
      Name: `fm-${spec.streamId}`,
      ChannelClass: 'STANDARD',
      RoleArn: spec.roleArn,
      RequestId: 'token-1',
      InputAttachments: [{ InputId: 'in-1', InputSettings: { AudioSelectors: [{ Name: 'default' }] } }],
    });
  });

  it("tags the channel with its stream and its stack's stream table, which the reconciler tells this stack's channels by", () => {
    expect(channelRequest(spec).Tags).toEqual({ stream_id: spec.streamId, stream_table: 'stack-streams' });
  });

  it('points the MediaPackage output at the package channel and the archive at a placeholder in the archive bucket', () => {
    const request = channelRequest(spec);

    expect(request.Destinations).toEqual([
      { Id: MEDIAPACKAGE_DESTINATION_ID, MediaPackageSettings: [{ ChannelId: spec.packageChannelId }] },
      {
        Id: ARCHIVE_DESTINATION_ID,
        Settings: [
          { Url: `s3ssl://archive-bucket/pending/${spec.streamId}/archive_1` },
          { Url: `s3ssl://archive-bucket/pending/${spec.streamId}/archive_2` },
        ],
      },
    ]);
    expect(request.EncoderSettings!.OutputGroups![1].OutputGroupSettings!.ArchiveGroupSettings!.RolloverInterval).toBe(120);
  });
});
