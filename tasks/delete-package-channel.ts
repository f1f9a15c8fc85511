import { DeleteChannelCommand } from '@aws-sdk/client-mediapackage';
import * as z from '../core/domain/zod';
import { deleteIgnoringNotFound } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaPackageClient } from '../core/aws/clients/mediapackage';

/** `''`: the stream never got a MediaPackage channel; nothing to delete. */
export const Input = z.object({ package_channel_id: z.string() });

type Deps = Pick<Services, 'mediapackage'>;

/** Deletes the MediaPackage channel, once its origin endpoint is gone. */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ deleted: boolean }> {
  const Id = input.package_channel_id;
  if (!Id) return { deleted: false };
  const outcome = await deleteIgnoringNotFound(`deleting MediaPackage channel ${Id}`, () =>
    deps.mediapackage.send(new DeleteChannelCommand({ Id })),
  );
  return { deleted: outcome === 'deleted' };
}

export const handler = taskHandler(Input, run, { mediapackage: mediaPackageClient });
