import { DeleteInputCommand, DescribeInputCommand } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { deleteWhenDeletable } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { mediaLiveClient } from '../core/aws/clients/medialive';

/** `''`: the stream never got an input; nothing to delete. */
export const Input = z.object({ input_id: z.string() });

type Deps = Pick<Services, 'medialive'>;

const GONE = new Set(['DELETING', 'DELETED']);

/**
 * Deletes the MediaLive input. MediaLive refuses while a channel still holds it (the attachment
 * lingers briefly after the channel is deleted): that is a Conflict, which the workflow retries.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ requested: boolean }> {
  const InputId = input.input_id;
  if (!InputId) return { requested: false };
  return deleteWhenDeletable({
    what: `MediaLive input ${InputId}`,
    state: async () => (await deps.medialive.send(new DescribeInputCommand({ InputId }))).State,
    gone: GONE,
    deletable: new Set(['DETACHED']),
    remove: () => deps.medialive.send(new DeleteInputCommand({ InputId })),
  });
}

export const handler = taskHandler(Input, run, { medialive: mediaLiveClient });
