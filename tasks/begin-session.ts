import * as z from '../core/domain/zod';
import { sessionOf, StartOptionsSchema } from '../core/domain/archive-path';
import { StreamStateConflict } from '../core/domain/errors';
import { GuardOptionsSchema, newSessionGuards } from '../core/domain/guards';
import { DEFAULT_KEY_ROTATION_INTERVAL, DEFAULT_STARTOVER_WINDOW_SECONDS } from '../core/domain/record';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  /** The start execution's input (`$$.Execution.Input`): `{stream_id, path?, startover_window_seconds?, key_rotation_interval?}`. */
  start: z.extend(StartOptionsSchema, { ...GuardOptionsSchema.shape, stream_id: z.string() }),
  execution_name: z.string(),
  /** `$$.Execution.StartTime`: the default path's date, the same on every retry of this step. */
  started_at: z.string().check(z.iso.datetime({ offset: true })),
});

type Deps = Pick<Services, 'store' | 'config'>;

export interface BegunSession {
  session_id: string;
  archive_path: string;
  startover_window_seconds: number;
  key_rotation_interval: number;
}

/**
 * Opens the session of a start: a session id derived from the execution name (so the API's 202
 * and a retried step name the same session), its archive path, recorded as `current_session_id`
 * and `archives_path[session]`, with the start's window and key rotation (defaults 3600 / 60).
 * The session's cost guards take the start's values, else the record's (`core/domain/guards.ts`),
 * and the previous session's `stop_reason` is cleared.
 * Only on a stream this start still holds: one another execution claimed meanwhile (a delete) is a
 * {@link StreamStateConflict}, and no session is written.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<BegunSession> {
  const { stream_id: streamId, path } = input.start;
  const session = sessionOf({
    executionName: input.execution_name,
    streamId,
    bucket: deps.config.ARCHIVE_BUCKET,
    startedAt: new Date(input.started_at),
    path,
  });
  const startover = input.start.startover_window_seconds ?? DEFAULT_STARTOVER_WINDOW_SECONDS;
  const rotation = input.start.key_rotation_interval ?? DEFAULT_KEY_ROTATION_INTERVAL;
  await deps.store.mutate(streamId, (item) => {
    if (item.claimed_by !== input.execution_name) {
      throw new StreamStateConflict(`stream ${streamId} is no longer claimed by this start (it is '${item.state}')`);
    }
    return {
      current_session_id: session.session_id,
      archives_path: { ...item.archives_path, [session.session_id]: session.archive_path },
      startover_window_seconds: startover,
      key_rotation_interval: rotation,
      stop_reason: null,
      guards: newSessionGuards(session.session_id, {
        max_session_seconds: input.start.max_session_seconds ?? item.max_session_seconds,
        idle_stop_seconds: input.start.idle_stop_seconds ?? item.idle_stop_seconds,
      }),
    };
  });
  return { ...session, startover_window_seconds: startover, key_rotation_interval: rotation };
}

export const handler = taskHandler(Input, run, { store: streamStore });
