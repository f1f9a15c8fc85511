import { DescribeChannelCommand, UpdateChannelCommand, type OutputDestination } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { unchangedChannelUpdate } from '../core/domain/channel-update';
import { archiveDestination } from '../core/domain/encoder-settings';
import { aws } from '../core/aws/calls';
import { Conflict, Invalid } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string(), archive_path: z.string().check(z.startsWith('s3://')) });

type Deps = Pick<Services, 'medialive' | 'store'>;

/** States in which MediaLive is still busy with the channel: the workflow retries. */
const BUSY = new Set(['CREATING', 'UPDATING', 'STOPPING']);

/**
 * Points the channel at the new session before it starts: the archive output group's destination
 * gets the session's per-pipeline URLs (`core/domain/encoder-settings.ts`), its `RolloverInterval` the
 * stream's `segment_length`, and the channel its record's name. MediaLive only updates an IDLE
 * channel, and UpdateChannel replaces what it is given (and removes a role it is not given), so
 * the current channel is read and only those fields change; everything else, its `RoleArn` first,
 * is sent back as it was (`core/domain/channel-update.ts`).
 */
export async function run(input: z.infer<typeof Input>, deps: Deps) {
  const stream = await deps.store.mustGet(input.stream_id);
  const channelId = stream.live_channel_id;
  const channel = await aws('describing MediaLive channel', () =>
    deps.medialive.send(new DescribeChannelCommand({ ChannelId: channelId })),
  );
  const state = channel.State ?? 'UNKNOWN';
  if (BUSY.has(state)) throw new Conflict(`MediaLive channel ${channelId} is ${state}; cannot configure it yet`);
  if (state !== 'IDLE') throw new Invalid(`MediaLive channel ${channelId} is ${state}; a start needs it IDLE`);

  const groups = channel.EncoderSettings?.OutputGroups ?? [];
  const archive = groups.find((g) => g.OutputGroupSettings?.ArchiveGroupSettings);
  const archiveSettings = archive?.OutputGroupSettings?.ArchiveGroupSettings;
  const destinationId = archiveSettings?.Destination?.DestinationRefId;
  if (!archive || !archiveSettings || !destinationId) {
    throw new Invalid(`MediaLive channel ${channelId} has no archive output group`);
  }
  if (!channel.Destinations?.some((d) => d.Id === destinationId)) {
    throw new Invalid(`MediaLive channel ${channelId} has no destination ${destinationId} for its archive`);
  }
  const destination = { ...archiveDestination(input.archive_path), Id: destinationId };
  const unchanged = unchangedChannelUpdate(channel);
  const destinations: OutputDestination[] = unchanged.Destinations!.map((d) => (d.Id === destinationId ? destination : d));
  const outputGroups = groups.map((g) =>
    g === archive
      ? { ...g, OutputGroupSettings: { ...g.OutputGroupSettings, ArchiveGroupSettings: { ...archiveSettings, RolloverInterval: stream.segment_length } } }
      : g,
  );

  await aws('updating MediaLive channel', () =>
    deps.medialive.send(
      new UpdateChannelCommand({
        ...unchanged,
        ChannelId: channelId,
        Name: stream.name,
        Destinations: destinations,
        EncoderSettings: { ...channel.EncoderSettings!, OutputGroups: outputGroups },
      }),
    ),
  );
  return { channel_id: channelId, archive_path: input.archive_path, rollover_interval: stream.segment_length };
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient, store: streamStore });
