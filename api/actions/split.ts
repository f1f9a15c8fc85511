import type * as z from '../../core/domain/zod';
import { newHexId } from '../../core/domain/ids';
import { ownValue } from '../../core/domain/own';
import { splitOutputs } from '../../core/domain/split-outputs';
import { unprocessable } from '../errors';
import type { Reply } from '../http';
import { launch } from '../launch';
import { beginSplitProgress } from './splits';
import type { RouteContext } from '../route';
import type { SplitBodySchema, StreamPathSchema } from '../schemas';

/**
 * split: name each section's playlist and MP4 from the session's archive path (the workflow plans
 * with the same rule, `core/domain/split-outputs.ts`, from the same name modifier) and start the split.
 * The record is not written (a split changes no stream state), so the execution name takes a fresh
 * token instead of a version: two splits of one session may run side by side; an
 * `Idempotency-Key` is what makes a retried request start nothing new.
 */
export async function splitStream({
  params,
  body,
  services,
}: RouteContext<z.infer<typeof StreamPathSchema>, z.infer<typeof SplitBodySchema>>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  const archivePath = ownValue(item.archives_path, body.session_id);
  if (archivePath === undefined) {
    throw unprocessable(`session ${body.session_id} is not in the archives_path of stream ${item.id}`);
  }
  const nameModifier = body.name_modifier ?? newHexId();
  const outputs = splitOutputs({
    archivePath,
    outputBucket: services.config.WORKSHOP_OUTPUT_BUCKET,
    nameModifier,
    sections: body.timestamp_list,
  });
  const launched = await launch(services, {
    action: 'split',
    stream: item,
    token: newHexId(),
    plan: () => ({
      input: {
        session_id: body.session_id,
        archive_path: archivePath,
        name_modifier: nameModifier,
        timestamp_list: body.timestamp_list,
      },
    }),
  });
  await beginSplitProgress(services, { executionId: launched.executionArn, streamId: item.id, outputs });
  return { status: 202, body: { execution_id: launched.executionArn, outputs } };
}
