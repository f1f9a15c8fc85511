import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import type { PlannedSection } from './split-plan';

/** The one audio selector the job reads (the archive has one audio track). */
export const AUDIO_SELECTOR = 'Audio Selector 1';

/**
 * What the split's `.sync` state sends as CreateJob besides the role (the workflow names the
 * role, so the state machine's role may pass exactly that one): the settings, the idempotency
 * token and the metadata.
 */
export type SectionJobRequest = {
  [K in 'Settings' | 'ClientRequestToken' | 'UserMetadata' | 'StatusUpdateInterval']-?: NonNullable<CreateJobCommandInput[K]>;
};

/**
 * The MediaConvert job that cuts one planned section: its VOD playlist as an HLS input, clipped
 * by frame against zero-based timecode (the playlist's first frame is 00:00:00:00), re-encoded to
 * H.264 + AAC in an MP4 named by the plan. The local MediaConvert runs these same settings.
 */
export function sectionJob(args: {
  section: PlannedSection;
  clientRequestToken: string;
  streamId: string;
}): SectionJobRequest {
  const { section } = args;
  if (section.status !== 'PLANNED' || !section.clip) throw new RangeError(`section ${section.index} has no clip to cut`);
  return {
    ClientRequestToken: args.clientRequestToken,
    StatusUpdateInterval: 'SECONDS_10',
    UserMetadata: { stream_id: args.streamId, section: String(section.index) },
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [
        {
          FileInput: section.playlist,
          TimecodeSource: 'ZEROBASED',
          InputClippings: [{ StartTimecode: section.clip.start_timecode, EndTimecode: section.clip.end_timecode }],
          VideoSelector: {},
          AudioSelectors: { [AUDIO_SELECTOR]: { DefaultSelection: 'DEFAULT' } },
        },
      ],
      OutputGroups: [
        {
          Name: 'File Group',
          // MediaConvert appends the container's extension to the destination's file name.
          OutputGroupSettings: {
            Type: 'FILE_GROUP_SETTINGS',
            FileGroupSettings: { Destination: section.output.replace(/\.mp4$/, '') },
          },
          Outputs: [
            {
              ContainerSettings: { Container: 'MP4', Mp4Settings: {} },
              VideoDescription: {
                CodecSettings: {
                  Codec: 'H_264',
                  H264Settings: {
                    RateControlMode: 'QVBR',
                    QvbrSettings: { QvbrQualityLevel: 8 },
                    MaxBitrate: 6_000_000,
                    CodecProfile: 'HIGH',
                    GopSize: 2,
                    GopSizeUnits: 'SECONDS',
                    SceneChangeDetect: 'TRANSITION_DETECTION',
                    FramerateControl: 'INITIALIZE_FROM_SOURCE',
                  },
                },
              },
              AudioDescriptions: [
                {
                  AudioSourceName: AUDIO_SELECTOR,
                  CodecSettings: {
                    Codec: 'AAC',
                    AacSettings: { Bitrate: 128_000, CodingMode: 'CODING_MODE_2_0', SampleRate: 48_000 },
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}
