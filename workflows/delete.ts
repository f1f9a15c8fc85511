import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, JsonPath, Pass, Succeed, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ErrorNames } from '../core/domain/errors';
import { defineWorkflow } from './definition';
import { CHANNEL_WATCH, catchInto, claimStream, invoke, pollLoop, pollStateNames, recordFailureAndFail, skipOnStreamStateConflict } from './steps';
import { TEARDOWN_TASKS, teardown, teardownNames, type TeardownTask } from './teardown';

const TEARDOWN = teardownNames('', 'Describe channel (deleting)');

export const DELETE_STATES = {
  claim: 'Claim stream for delete',
  notDeletable: 'Skip: stream cannot be deleted now',
  alreadyDeleted: 'Stream already deleted',
  cancelSchedules: 'Cancel stream schedules',
  removeLiveRoute: 'Remove live route',
  stopConnector: 'Stop Chime connector',
  hasChannel: 'Has a MediaLive channel?',
  stopChannel: 'Stop MediaLive channel',
  describeStopping: 'Describe channel (stopping)',
  pollIdle: pollStateNames('channel IDLE'),
  deleteChannel: TEARDOWN.deleteChannel,
  describeDeleting: TEARDOWN.describeChannel,
  pollDeleted: TEARDOWN.poll,
  deleteEndpoint: TEARDOWN.deleteEndpoint,
  deletePackageChannel: TEARDOWN.deletePackageChannel,
  deleteInput: TEARDOWN.deleteInput,
  deleteIvsChannel: 'Delete IVS channel',
  removeLateLiveRoute: 'Remove live route (made during delete)',
  deleteRecord: 'Delete stream record',
  recordFailure: 'Record delete failure',
  failed: 'Delete failed',
  done: 'Deleted',
} as const;

/** MediaLive stops a channel in well under a minute, and deletes one as fast; ten minutes each is generous. */
const IDLE_DEADLINE_SECONDS = 600;
const DELETED_DEADLINE_SECONDS = 600;

/** What a step is built with. Every failure goes to `onFailure` (record `failed`, then fail). */
export interface DeleteStepContext {
  /** The scope the step's states are made in. */
  readonly scope: Construct;
  /** The delete workflow's task functions, by task file name. */
  readonly fn: Readonly<Record<string, IFunction>>;
  /** Where every failure of the step goes. */
  readonly onFailure: IChainable;
}

/** One step of delete: the task files it invokes, and its states, built in front of `next`. */
export interface DeleteStep<Task extends string = string> {
  /** The task files the step invokes (the workflow's `tasks` are the union of its steps'). */
  readonly tasks: readonly Task[];
  build(context: DeleteStepContext, next: IChainable): IChainable;
}

/** A step that is one task taking `{stream_id}`, its result discarded. */
function streamTask<const Task extends string>(stateName: string, task: Task): DeleteStep<Task> {
  return {
    tasks: [task],
    build({ scope, fn, onFailure }, next) {
      const state = invoke(scope, stateName, fn[task], { payload: { 'stream_id.$': '$.stream_id' }, resultPath: JsonPath.DISCARD });
      catchInto([state], onFailure);
      return state.next(next);
    },
  };
}

/**
 * The channel stopped (if it runs) and every media resource deleted: see `teardown.ts`. A stream
 * whose create failed before it got a channel goes straight to the MediaPackage deletes.
 */
const deleteMedia: DeleteStep<'stop-channel' | TeardownTask> = {
  tasks: ['stop-channel', ...TEARDOWN_TASKS],
  build({ scope, fn, onFailure }, next) {
    const media = teardown(scope, fn, {
      names: TEARDOWN,
      ids: {
        channel: '$.stream.channel_id',
        endpoint: '$.stream.endpoint_id',
        packageChannel: '$.stream.package_channel_id',
        input: '$.stream.input_id',
      },
      next,
      onStepFailure: () => ({ handler: onFailure, resultPath: '$.failure' }),
      channelDeadlineSeconds: DELETED_DEADLINE_SECONDS,
    });
    const stop = invoke(scope, DELETE_STATES.stopChannel, fn['stop-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const describe = invoke(scope, DELETE_STATES.describeStopping, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    catchInto([stop, describe], onFailure);
    stop.next(
      pollLoop(scope, {
        waitingFor: 'channel IDLE',
        describe,
        // A channel that failed to create, or is already gone, has nothing to stop.
        done: ['IDLE', 'CREATE_FAILED', 'DELETED'],
        next: media.channel,
        onFailure,
        deadlineSeconds: IDLE_DEADLINE_SECONDS,
        ...CHANNEL_WATCH,
      }),
    );
    return new Choice(scope, DELETE_STATES.hasChannel, { stateName: DELETE_STATES.hasChannel })
      .when(Condition.stringEquals('$.stream.channel_id', ''), media.endpoint)
      .otherwise(stop);
  },
};

/**
 * The steps of delete after the claim, in order. Each deletes or undoes one thing and is
 * idempotent, so a failed delete can simply be retried. Recordings are never deleted.
 */
export const DELETE_STEPS = [
  streamTask(DELETE_STATES.cancelSchedules, 'cancel-schedules'),
  streamTask(DELETE_STATES.removeLiveRoute, 'remove-live-route'),
  // Before the channel: the connector pushes into it (or into the IVS channel deleted after it).
  streamTask(DELETE_STATES.stopConnector, 'stop-connector'),
  deleteMedia,
  // IVS refuses to delete a channel still receiving the connector's feed: a Conflict, retried.
  streamTask(DELETE_STATES.deleteIvsChannel, 'delete-ivs-channel'),
  // A live that claimed the stream just before this delete may write its route after the first
  // removal; removing it again (idempotent) last means no route outlives the stream.
  streamTask(DELETE_STATES.removeLateLiveRoute, 'remove-live-route'),
  streamTask(DELETE_STATES.deleteRecord, 'delete-record'),
] as const satisfies readonly DeleteStep[];

/** Every task a delete step invokes (the workflow names them for `infra/task-permissions.ts`). */
type DeleteStepTask = (typeof DELETE_STEPS)[number]['tasks'][number];

/**
 * delete: claim (→ `deleting`), then {@link DELETE_STEPS}, ending with the record. Any failure
 * records `failed` with `last_error` and fails; the record keeps whatever ids are left, and DELETE
 * is allowed from `failed`, so a retry finishes the job.
 */
export const deleteWorkflow = defineWorkflow({
  action: 'delete',
  description: 'Deletes a stream: its schedules, live route, connector, channel, input, MediaPackage channel and endpoint, IVS channel, then its record.',
  tasks: [
    ...new Set<'claim-stream' | 'record-failure' | DeleteStepTask>([
      'claim-stream',
      'record-failure',
      ...DELETE_STEPS.flatMap((step) => step.tasks),
    ]),
  ],
  // Two ten-minute waits (IDLE, DELETED) and the retries around them.
  timeout: Duration.minutes(45),
  build(scope, fn) {
    const claim = claimStream(scope, 'delete', fn['claim-stream']);
    const onFailure = recordFailureAndFail(scope, { action: 'delete', fn: fn['record-failure'], state: 'failed' });
    const done = new Succeed(scope, DELETE_STATES.done, { stateName: DELETE_STATES.done });
    const steps = DELETE_STEPS.reduceRight<IChainable>((next, step) => step.build({ scope, fn, onFailure }, next), done);

    const alreadyDeleted = new Pass(scope, DELETE_STATES.alreadyDeleted, { stateName: DELETE_STATES.alreadyDeleted });
    alreadyDeleted.next(new Succeed(scope, `${DELETE_STATES.alreadyDeleted} (done)`, { stateName: `${DELETE_STATES.alreadyDeleted} (done)` }));
    skipOnStreamStateConflict(scope, claim, DELETE_STATES.notDeletable);
    claim.addCatch(alreadyDeleted, { errors: [ErrorNames.NotFound], resultPath: '$.failure' });
    // A stream left `deleting` could never be deleted again: any other claim failure records `failed`.
    catchInto([claim], onFailure);
    return claim.next(steps);
  },
});
