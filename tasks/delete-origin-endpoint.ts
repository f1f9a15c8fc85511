import { DeleteOriginEndpointCommand } from '@aws-sdk/client-mediapackage';
import * as z from '../core/domain/zod';
import { deleteIgnoringNotFound } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaPackageClient } from '../core/aws/clients/mediapackage';

/** `''`: the stream never got an endpoint; nothing to delete. */
export const Input = z.object({ endpoint_id: z.string() });

type Deps = Pick<Services, 'mediapackage'>;

/** Deletes the HLS origin endpoint (before its MediaPackage channel, which refuses to go while it has one). */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ deleted: boolean }> {
  const Id = input.endpoint_id;
  if (!Id) return { deleted: false };
  const outcome = await deleteIgnoringNotFound(`deleting MediaPackage origin endpoint ${Id}`, () =>
    deps.mediapackage.send(new DeleteOriginEndpointCommand({ Id })),
  );
  return { deleted: outcome === 'deleted' };
}

export const handler = taskHandler(Input, run, { mediapackage: mediaPackageClient });
