import type * as z from '../../core/domain/zod';
import { newHexId } from '../../core/domain/ids';
import { ownValue } from '../../core/domain/own';
import { createCloudSchedule, deleteCloudSchedule } from '../../core/aws/schedules';
import { listSchedules, scheduleTimeProblem, type Schedule } from '../../core/domain/schedule';
import { badRequest, conflict, InternalError, notFound } from '../errors';
import type { Reply } from '../http';
import type { RouteContext } from '../route';
import type { ScheduleBodySchema, SchedulePathSchema, StreamPath } from '../schemas';
import { stateMachineArn } from '../workflow';

/**
 * Schedules a start or stop. The schedule is written to the stream first (`scheduled`), then made
 * in EventBridge Scheduler; if that fails it is taken off the stream again, so a failed request
 * leaves nothing behind. The state rules are not checked here: they apply when it fires (a start
 * of a stream that is then running is `skipped` with the reason).
 */
export async function createSchedule({
  params,
  body,
  services,
}: RouteContext<StreamPath, z.infer<typeof ScheduleBodySchema>>): Promise<Reply> {
  const problem = scheduleTimeProblem(body.at, services.now());
  if (problem) throw badRequest(`at ${problem}`, [{ path: 'at', message: problem }]);
  const machineArn = stateMachineArn(services.config, body.action);
  await services.store.mustGet(params.id);

  const schedule: Schedule = {
    schedule_id: newHexId(),
    action: body.action,
    at: new Date(body.at).toISOString(),
    state: 'scheduled',
    ...(body.start_options ? { start_options: body.start_options } : {}),
  };
  await services.store.mutate(params.id, (item) => ({ schedules: { ...item.schedules, [schedule.schedule_id]: schedule } }));
  try {
    await createCloudSchedule(services, { streamId: params.id, schedule, stateMachineArn: machineArn });
  } catch (err) {
    await services.store.mutate(params.id, (item) => {
      const { [schedule.schedule_id]: _made, ...rest } = item.schedules;
      return { schedules: rest };
    });
    throw new InternalError(`could not create the ${body.action} schedule`, { cause: err });
  }
  const { start_options: _options, ...view } = schedule;
  return { status: 201, body: view };
}

export async function getSchedules({ params, services }: RouteContext<StreamPath, unknown>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  return { status: 200, body: listSchedules(item.schedules) };
}

/** Cancels a schedule that has not fired; one that has (or was cancelled) is a 409 naming its state. */
export async function cancelSchedule({
  params,
  services,
}: RouteContext<z.infer<typeof SchedulePathSchema>, unknown>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  const schedule = ownValue(item.schedules, params.schedule_id);
  if (!schedule) throw notFound(`schedule ${params.schedule_id} not found on stream ${params.id}`);
  if (schedule.state !== 'scheduled') throw conflict(`schedule ${params.schedule_id} is already ${schedule.state}`);
  await deleteCloudSchedule(services, schedule.schedule_id);
  let firedMeanwhile: string | undefined;
  await services.store.mutate(params.id, (current) => {
    const latest = ownValue(current.schedules, params.schedule_id);
    if (latest?.state !== 'scheduled') {
      firedMeanwhile = latest?.state;
      return undefined;
    }
    return { schedules: { ...current.schedules, [params.schedule_id]: { ...latest, state: 'cancelled' } } };
  });
  if (firedMeanwhile) throw conflict(`schedule ${params.schedule_id} is already ${firedMeanwhile}`);
  return { status: 204 };
}
