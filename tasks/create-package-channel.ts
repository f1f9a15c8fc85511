import { CreateChannelCommand, DescribeChannelCommand } from '@aws-sdk/client-mediapackage';
import * as z from '../core/domain/zod';
import { createOrExisting } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaPackageClient } from '../core/aws/clients/mediapackage';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  /** Chosen by the workflow (`fm-{stream_id}`), so compensation can delete it even if this step failed half way. */
  package_channel_id: z.string().check(z.minLength(1)),
});

type Deps = Pick<Services, 'mediapackage' | 'store'>;

/**
 * Makes the stream's MediaPackage channel, which MediaLive pushes to and the HLS origin endpoint
 * serves from. The id is ours, so "already exists" means an earlier try made it.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ package_channel_id: string }> {
  const id = input.package_channel_id;
  await createOrExisting(
    'creating MediaPackage channel',
    () =>
      deps.mediapackage.send(
        new CreateChannelCommand({ Id: id, Description: `FrontMaster stream ${input.stream_id}`, Tags: { stream_id: input.stream_id } }),
      ),
    () => deps.mediapackage.send(new DescribeChannelCommand({ Id: id })),
  );
  await deps.store.mutate(input.stream_id, () => ({ package_channel_id: id }));
  return { package_channel_id: id };
}

export const handler = taskHandler(Input, run, { mediapackage: mediaPackageClient, store: streamStore });
