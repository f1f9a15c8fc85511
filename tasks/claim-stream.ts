import * as z from '../core/domain/zod';
import { ACTIONS } from '../core/domain/actions';
import { StreamStateConflict } from '../core/domain/errors';
import type { StreamItem } from '../core/domain/record';
import { guardFiringOf, stopReasonOf } from '../core/domain/guards';
import { claimForGuard } from '../core/aws/guards';
import { markSchedule } from '../core/aws/schedules';
import { scheduleOfInput } from '../core/domain/schedule';
import type { Services } from '../core/aws/services';
import { taskHandler } from '../core/lambda/task-handler';
import { streamStore } from '../core/aws/clients/store';

export const Input = z.object({
  stream_id: z.string(),
  action: z.enum(ACTIONS),
  execution_name: z.string(),
  execution_id: z.string(),
  /** The execution's input; a schedule's firing has `schedule_id` in it. */
  execution_input: z.optional(z.unknown()),
});

type Deps = Pick<Services, 'store'>;

/** What later steps need to know of the stream; never its keys. */
export interface ClaimedStream {
  stream_id: string;
  state: string;
  channel_id: string;
  input_id: string;
  package_channel_id: string;
  endpoint_id: string;
  segment_length: number;
  version: number;
  /** A stop's reason (`stop_reason` once it is done): the guard's, `schedule` for a timed stop, else `operator`. */
  stop_reason?: string;
}

/**
 * First step of every workflow that acts on an existing stream. The API has usually claimed the
 * stream already under this execution's name (then this is a no-op); a workflow started any other
 * way (EventBridge Scheduler, the console) claims it here, under the same state rules, so two
 * starters can never both win. Also records the execution on the stream, for `GET …/executions`,
 * and, for a schedule's firing, the schedule's outcome: `fired`, or `skipped` with the reason.
 * A cost guard's firing (a stop with a guard's input, `core/domain/guards.ts`) claims only if the
 * guard still holds; else it is skipped the same way, and nothing is written.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<ClaimedStream> {
  const scheduled = scheduleOfInput(input.execution_input);
  let claimed: StreamItem;
  try {
    const firing = input.action === 'stop' ? guardFiringOf(input.execution_input) : undefined;
    claimed = firing
      ? await claimForGuard(deps.store, input.execution_name, firing)
      : await deps.store.claim(input.stream_id, input.action, input.execution_name);
  } catch (err) {
    if (scheduled && err instanceof StreamStateConflict) {
      await markSchedule(deps.store, scheduled.stream_id, scheduled.schedule_id, { state: 'skipped', error: err.message });
    }
    throw err;
  }
  const item = await deps.store.trackExecution(claimed.id, input.execution_id);
  if (scheduled) {
    await markSchedule(deps.store, scheduled.stream_id, scheduled.schedule_id, { state: 'fired', execution_id: input.execution_id });
  }
  return {
    stream_id: item.id,
    state: item.state,
    channel_id: item.live_channel_id,
    input_id: item.live_input_id,
    package_channel_id: item.package_channel_id,
    endpoint_id: item.package_endpoint_id,
    segment_length: item.segment_length,
    version: item.version,
    ...(input.action === 'stop' ? { stop_reason: stopReasonOf(input.execution_input) } : {}),
  };
}

export const handler = taskHandler(Input, run, { store: streamStore });
