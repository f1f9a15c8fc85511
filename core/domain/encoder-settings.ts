import type {
  AudioDescription,
  CreateChannelCommandInput,
  EncoderSettings,
  H264Settings,
  OutputDestination,
  VideoDescription,
} from '@aws-sdk/client-medialive';
import { archiveDestinationUrls } from './archive-path';

/** Output destination ids inside a channel; the start workflow repoints {@link ARCHIVE_DESTINATION_ID}. */
export const MEDIAPACKAGE_DESTINATION_ID = 'mediapackage';
export const ARCHIVE_DESTINATION_ID = 'archive';

/** 29.97 fps, as a ratio, so the encoder never rounds it. */
export const FRAMERATE = { numerator: 30000, denominator: 1001 } as const;
/** Seconds per GOP: MediaPackage cuts 6 s HLS segments on GOP boundaries (3 GOPs each). */
export const GOP_SECONDS = 2;

export interface Rendition {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** QVBR ceiling, bits/s. */
  readonly maxBitrate: number;
  readonly audioBitrate: number;
}

/** The HLS ladder, highest first; the archive records the highest rendition. */
export const LADDER: readonly Rendition[] = [
  { name: '1080p', width: 1920, height: 1080, maxBitrate: 6_000_000, audioBitrate: 128_000 },
  { name: '720p', width: 1280, height: 720, maxBitrate: 3_500_000, audioBitrate: 128_000 },
  { name: '540p', width: 960, height: 540, maxBitrate: 2_000_000, audioBitrate: 96_000 },
  { name: '360p', width: 640, height: 360, maxBitrate: 900_000, audioBitrate: 96_000 },
];

/** The input's audio selector that every audio encode reads (the first audio track). */
const AUDIO_SELECTOR = 'default';

const videoName = (r: Rendition) => `video_${r.name}`;
const audioName = (r: Rendition) => `audio_${r.name}`;

function h264(r: Rendition): H264Settings {
  return {
    Profile: r.height >= 720 ? 'HIGH' : 'MAIN',
    Level: 'H264_LEVEL_AUTO',
    RateControlMode: 'QVBR',
    MaxBitrate: r.maxBitrate,
    BufSize: 2 * r.maxBitrate,
    FramerateControl: 'SPECIFIED',
    FramerateNumerator: FRAMERATE.numerator,
    FramerateDenominator: FRAMERATE.denominator,
    // Fixed, closed 2 s GOPs on every rendition keep the ladder's segments aligned for ABR switching.
    GopSize: GOP_SECONDS,
    GopSizeUnits: 'SECONDS',
    GopClosedCadence: 1,
    GopNumBFrames: 2,
    ParControl: 'SPECIFIED',
    ParNumerator: 1,
    ParDenominator: 1,
    ScanType: 'PROGRESSIVE',
    SceneChangeDetect: 'ENABLED',
    AdaptiveQuantization: 'AUTO',
    LookAheadRateControl: 'HIGH',
  };
}

function video(r: Rendition): VideoDescription {
  return {
    Name: videoName(r),
    Width: r.width,
    Height: r.height,
    ScalingBehavior: 'DEFAULT',
    RespondToAfd: 'NONE',
    Sharpness: 50,
    CodecSettings: { H264Settings: h264(r) },
  };
}

function audio(r: Rendition): AudioDescription {
  return {
    Name: audioName(r),
    AudioSelectorName: AUDIO_SELECTOR,
    AudioTypeControl: 'FOLLOW_INPUT',
    LanguageCodeControl: 'FOLLOW_INPUT',
    CodecSettings: {
      AacSettings: {
        Bitrate: r.audioBitrate,
        CodingMode: 'CODING_MODE_2_0',
        InputType: 'NORMAL',
        Profile: 'LC',
        RateControlMode: 'CBR',
        RawFormat: 'NONE',
        SampleRate: 48_000,
        Spec: 'MPEG4',
      },
    },
  };
}

/**
 * What the channel encodes: the ladder to MediaPackage (which packages HLS; MediaLive pushes to it
 * with the channel's role, so there is no ingest password to keep), and the top rendition to the
 * archive as MPEG-TS files of `segmentLength` seconds (`RolloverInterval`), which `split` cuts.
 * The archive output shares the 1080p encodes, so it costs no extra encoding.
 */
export function encoderSettings(segmentLength: number): EncoderSettings {
  const top = LADDER[0];
  return {
    TimecodeConfig: { Source: 'SYSTEMCLOCK' },
    VideoDescriptions: LADDER.map(video),
    AudioDescriptions: LADDER.map(audio),
    OutputGroups: [
      {
        Name: 'mediapackage',
        OutputGroupSettings: { MediaPackageGroupSettings: { Destination: { DestinationRefId: MEDIAPACKAGE_DESTINATION_ID } } },
        Outputs: LADDER.map((r) => ({
          OutputName: r.name,
          VideoDescriptionName: videoName(r),
          AudioDescriptionNames: [audioName(r)],
          OutputSettings: { MediaPackageOutputSettings: {} },
        })),
      },
      {
        Name: 'archive',
        OutputGroupSettings: {
          ArchiveGroupSettings: { Destination: { DestinationRefId: ARCHIVE_DESTINATION_ID }, RolloverInterval: segmentLength },
        },
        Outputs: [
          {
            OutputName: 'archive',
            VideoDescriptionName: videoName(top),
            AudioDescriptionNames: [audioName(top)],
            OutputSettings: { ArchiveOutputSettings: { ContainerSettings: { M2tsSettings: {} }, Extension: 'ts' } },
          },
        ],
      },
    ],
  };
}

/**
 * The channel's archive destination for an `s3://bucket/prefix/` archive path: one URL per
 * pipeline (a STANDARD channel runs two, and each needs its own), named as `core/domain/archive-path.ts`
 * says, over `s3ssl://` so MediaLive writes with TLS. Used at create (a placeholder path) and by
 * every start, which repoints it at the session's path.
 */
export function archiveDestination(archivePath: string): OutputDestination {
  return {
    Id: ARCHIVE_DESTINATION_ID,
    Settings: archiveDestinationUrls(archivePath).map((url) => ({ Url: url.replace(/^s3:/, 's3ssl:') })),
  };
}

/** Where a channel would archive before its first start (it never runs before one repoints it). */
export function placeholderArchivePath(bucket: string, streamId: string): string {
  return `s3://${bucket}/pending/${streamId}/`;
}

export interface ChannelSpec {
  streamId: string;
  inputId: string;
  packageChannelId: string;
  segmentLength: number;
  archiveBucket: string;
  roleArn: string;
  /** Idempotency token: a retried create returns the channel the first try made. */
  requestId: string;
  /** The stream table whose record owns the channel: the reconciler's test of "this stack's channel". */
  streamTable: string;
}

/**
 * The tags of every channel a stream makes: the stream, and the table its record lives in, so a
 * sweep over the account's channels (tasks/reconcile.ts) knows this stack's own from another's.
 */
export const CHANNEL_TAGS = { streamId: 'stream_id', streamTable: 'stream_table' } as const;

/**
 * The CreateChannel request of a stream: a STANDARD (two-pipeline) channel reading the stream's
 * RTMP push input and writing to its MediaPackage channel and to the archive bucket.
 */
export function channelRequest(spec: ChannelSpec): CreateChannelCommandInput {
  return {
    Name: `fm-${spec.streamId}`,
    ChannelClass: 'STANDARD',
    RoleArn: spec.roleArn,
    RequestId: spec.requestId,
    Tags: { [CHANNEL_TAGS.streamId]: spec.streamId, [CHANNEL_TAGS.streamTable]: spec.streamTable },
    InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' },
    InputAttachments: [
      {
        InputId: spec.inputId,
        InputAttachmentName: 'rtmp',
        InputSettings: { AudioSelectors: [{ Name: AUDIO_SELECTOR }], SourceEndBehavior: 'CONTINUE' },
      },
    ],
    Destinations: [
      { Id: MEDIAPACKAGE_DESTINATION_ID, MediaPackageSettings: [{ ChannelId: spec.packageChannelId }] },
      archiveDestination(placeholderArchivePath(spec.archiveBucket, spec.streamId)),
    ],
    EncoderSettings: encoderSettings(spec.segmentLength),
  };
}
