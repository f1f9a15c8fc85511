import { CreateOriginEndpointCommand, DescribeOriginEndpointCommand } from '@aws-sdk/client-mediapackage';
import * as z from '../core/domain/zod';
import { createOrExisting } from '../core/aws/calls';
import { Invalid } from '../core/domain/errors';
import { DEFAULT_STARTOVER_WINDOW_SECONDS } from '../core/domain/record';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaPackageClient } from '../core/aws/clients/mediapackage';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  package_channel_id: z.string().check(z.minLength(1)),
  /** Chosen by the workflow (`fm-{stream_id}-hls`), so compensation can delete it even if this step failed half way. */
  endpoint_id: z.string().check(z.minLength(1)),
  startover_window_seconds: z._default(z.number().check(z.int(), z.gte(0)), DEFAULT_STARTOVER_WINDOW_SECONDS),
});

type Deps = Pick<Services, 'mediapackage' | 'store'>;

/** HLS segments of 6 s (three 2 s GOPs); players see the last minute, and can start over within the window. */
const SEGMENT_SECONDS = 6;
const PLAYLIST_WINDOW_SECONDS = 60;

/**
 * Makes the HLS origin endpoint viewers play from; its URL becomes the record's `viewer_endpoint`.
 * The id is ours, so "already exists" means an earlier try made it: its URL is read back.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ endpoint_id: string }> {
  const id = input.endpoint_id;
  const endpoint = await createOrExisting(
    'creating MediaPackage origin endpoint',
    () =>
      deps.mediapackage.send(
        new CreateOriginEndpointCommand({
          Id: id,
          ChannelId: input.package_channel_id,
          ManifestName: 'index',
          StartoverWindowSeconds: input.startover_window_seconds,
          HlsPackage: {
            SegmentDurationSeconds: SEGMENT_SECONDS,
            PlaylistWindowSeconds: PLAYLIST_WINDOW_SECONDS,
            ProgramDateTimeIntervalSeconds: SEGMENT_SECONDS,
            StreamSelection: { StreamOrder: 'ORIGINAL' },
          },
          Tags: { stream_id: input.stream_id },
        }),
      ),
    () => deps.mediapackage.send(new DescribeOriginEndpointCommand({ Id: id })),
  );
  if (!endpoint.Url) throw new Invalid(`MediaPackage origin endpoint ${id} has no URL`);
  await deps.store.mutate(input.stream_id, () => ({
    package_endpoint_id: id,
    package_channel_id: input.package_channel_id,
    viewer_endpoint: endpoint.Url,
  }));
  return { endpoint_id: id };
}

export const handler = taskHandler(Input, run, { mediapackage: mediaPackageClient, store: streamStore });
