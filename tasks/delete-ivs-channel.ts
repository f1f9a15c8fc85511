import { DeleteChannelCommand, ListChannelsCommand } from '@aws-sdk/client-ivs';
import * as z from '../core/domain/zod';
import { aws, deleteIgnoringNotFound } from '../core/aws/calls';
import { ivsChannelName } from '../core/domain/ivs';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { ivsClient } from '../core/aws/clients/ivs';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store' | 'ivs'>;

/**
 * For `delete`: deletes the stream's IVS channel, the one on the record and any of the stream's
 * name that a crash left unrecorded. A channel already gone is done. IVS refuses to delete a
 * channel that is still live (`ConflictException` → `Conflict`, retried by the workflow): the
 * connector is stopped first, and IVS notices the end of the stream within seconds.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ deleted: number }> {
  const item = await deps.store.get(input.stream_id);
  const name = ivsChannelName(input.stream_id);
  const listed = await aws('listing IVS channels', () => deps.ivs.send(new ListChannelsCommand({ filterByName: name })));
  const arns = new Set((listed.channels ?? []).filter((c) => c.name === name && c.arn).map((c) => c.arn!));
  if (item?.ivs_channel_arn) arns.add(item.ivs_channel_arn);
  let deleted = 0;
  for (const arn of arns) {
    const outcome = await deleteIgnoringNotFound('deleting IVS channel', () => deps.ivs.send(new DeleteChannelCommand({ arn })));
    if (outcome === 'deleted') deleted++;
  }
  return { deleted };
}

export const handler = taskHandler(Input, run, { ivs: ivsClient, store: streamStore });
