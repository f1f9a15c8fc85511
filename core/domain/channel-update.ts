import type { DescribeChannelResponse, OutputDestination, UpdateChannelRequest } from '@aws-sdk/client-medialive';

/**
 * The UpdateChannel request that leaves a MediaLive channel exactly as DescribeChannel read it;
 * callers override only what they mean to change.
 *
 * UpdateChannel replaces what it is given and drops at least one member it is not: of `RoleArn`
 * the SDK model says "If you do not specify this on an update call but the role was previously set
 * that role will be removed" (`UpdateChannelRequest`, @aws-sdk/client-medialive
 * dist-types/models/models_1.d.ts), and a channel without its role cannot write the archive or
 * reach MediaPackage. The other members' docs do not say what omitting them does, so every member
 * the channel has is sent back. The map is typed over every `UpdateChannelRequest` member, so an SDK
 * that adds one fails to compile until it is decided here.
 */
const CARRY: { readonly [K in keyof Required<UpdateChannelRequest>]: (channel: DescribeChannelResponse) => UpdateChannelRequest[K] } = {
  ChannelId: (c) => c.Id,
  Name: (c) => c.Name,
  RoleArn: (c) => c.RoleArn,
  CdiInputSpecification: (c) => c.CdiInputSpecification,
  Destinations: (c) => c.Destinations?.map(sendableDestination),
  EncoderSettings: (c) => c.EncoderSettings,
  InputAttachments: (c) => c.InputAttachments,
  InputSpecification: (c) => c.InputSpecification,
  LogLevel: (c) => c.LogLevel,
  // The day and hour hold for every window; the scheduled date is MediaLive's (or a one-off choice
  // "used for the next maintenance window only"), so it is not re-chosen here.
  Maintenance: (c) =>
    c.Maintenance && { MaintenanceDay: c.Maintenance.MaintenanceDay, MaintenanceStartTime: c.Maintenance.MaintenanceStartTime },
  ChannelEngineVersion: (c) => (c.ChannelEngineVersion?.Version ? { Version: c.ChannelEngineVersion.Version } : undefined),
  AnywhereSettings: (c) => c.AnywhereSettings,
  LinkedChannelSettings: (c) =>
    c.LinkedChannelSettings && {
      FollowerChannelSettings: c.LinkedChannelSettings.FollowerChannelSettings,
      PrimaryChannelSettings: c.LinkedChannelSettings.PrimaryChannelSettings && {
        LinkedChannelType: c.LinkedChannelSettings.PrimaryChannelSettings.LinkedChannelType,
      },
    },
  ChannelSecurityGroups: (c) => c.ChannelSecurityGroups,
  InferenceSettings: (c) => c.InferenceSettings,
  // Not channel settings: a dry run is the caller's choice, and the router settings "can only be
  // used by" MediaConnect Router (their SDK doc).
  DryRun: () => undefined,
  SpecialRouterSettings: () => undefined,
};

export function unchangedChannelUpdate(channel: DescribeChannelResponse): UpdateChannelRequest {
  const entries = Object.entries(CARRY).map(([member, read]) => [member, read(channel)] as const);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as unknown as UpdateChannelRequest;
}

const DESTINATION_KINDS = ['Settings', 'MediaPackageSettings', 'MultiplexSettings', 'SrtSettings'] as const;

/**
 * DescribeChannel lists a destination's unused kinds as empty lists (a MediaPackage destination
 * comes back with `Settings: []`), but a destination sent with more than one kind present fails:
 * "Exactly one of settings, MediaPackage settings, or Multiplex settings is required for
 * destination" (aws/aws-sdk-php#2087, hashicorp/terraform-provider-aws#30659). So empty kinds go.
 */
export function sendableDestination(destination: OutputDestination): OutputDestination {
  const out: OutputDestination = { ...destination };
  for (const kind of DESTINATION_KINDS) {
    const value = out[kind];
    if (Array.isArray(value) && value.length === 0) delete out[kind];
  }
  return out;
}
