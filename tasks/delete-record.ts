import * as z from '../core/domain/zod';
import { Conflict, StreamStateConflict } from '../core/domain/errors';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({ stream_id: z.string() });

type Deps = Pick<Services, 'store'>;

/**
 * Last step of delete, once every resource is gone: removes the stream's record (recordings stay
 * in S3). The delete is conditional on the version just read; a write that slips in between (an
 * update of the name, say) is a Conflict the workflow retries. A record already gone is done.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ deleted: boolean }> {
  const item = await deps.store.get(input.stream_id);
  if (!item) return { deleted: false };
  if (item.state !== 'deleting') {
    throw new StreamStateConflict(`stream ${input.stream_id} is '${item.state}', not 'deleting'; its record is kept`);
  }
  try {
    await deps.store.delete(item.id, item.version);
  } catch (err) {
    if (err instanceof StreamStateConflict) throw new Conflict(err.message, { cause: err });
    throw err;
  }
  return { deleted: true };
}

export const handler = taskHandler(Input, run, { store: streamStore });
