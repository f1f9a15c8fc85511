import { Duration } from 'aws-cdk-lib';
import { Errors, JsonPath, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { CHANNEL_WATCH, catchInto, claimStream, invoke, pollLoop, pollStateNames, recordFailureAndFail, skipOnStreamStateConflict } from './steps';

export const STOP_STATES = {
  claim: 'Claim stream for stop',
  stopConnector: 'Stop Chime connector (MediaLive)',
  stopChannel: 'Stop MediaLive channel',
  describe: 'Describe channel (stopping)',
  poll: pollStateNames('channel IDLE'),
  cancelGuards: 'Cancel cost guards',
  recordStopped: 'Record stream stopped',
  recordFailure: 'Record stop failure',
  failed: 'Stop failed',
  notStoppable: 'Skip: stream not starting or running',
  done: 'Stopped',
} as const;

/** MediaLive stops a channel in well under a minute; ten is a generous deadline. */
const IDLE_DEADLINE_SECONDS = 600;

/**
 * stop: claim (starting|running → stopping), stop a Chime connector feeding the channel, stop the
 * channel, wait for IDLE, cancel the session's cost guards, then idle with `last_stopped` and
 * `stop_reason` (the input's `reason`: `operator` from the API, a guard's own; `schedule` for a timed
 * stop). A stream in any other state is left untouched and the execution says so; so is a guard's
 * firing that no longer holds (`core/domain/guards.ts`). A cancel that fails is noted and the stop
 * goes on: a guard of a session that is over changes nothing.
 */
export const stopWorkflow = defineWorkflow({
  action: 'stop',
  description: 'Stops a stream: stops its MediaLive channel and waits until it is IDLE.',
  tasks: ['claim-stream', 'stop-connector', 'stop-channel', 'describe-channel', 'cancel-guards', 'record-outcome', 'record-failure'],
  timeout: Duration.minutes(15),
  build(scope, fn) {
    const claim = claimStream(scope, 'stop', fn['claim-stream']);
    // A Chime connector pushing into the channel would only fail (and be recorded as a crash) once
    // the channel stops: it is stopped first. One pushing to IVS is left alone.
    const stopConnector = invoke(scope, STOP_STATES.stopConnector, fn['stop-connector'], {
      payload: { 'stream_id.$': '$.stream_id', target: 'medialive', reason: 'the stream was stopped' },
      resultPath: JsonPath.DISCARD,
    });
    const stopChannel = invoke(scope, STOP_STATES.stopChannel, fn['stop-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const describe = invoke(scope, STOP_STATES.describe, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    const recordStopped = invoke(scope, STOP_STATES.recordStopped, fn['record-outcome'], {
      payload: {
        'stream_id.$': '$.stream_id',
        state: 'idle',
        stamp: ['last_stopped'],
        'execution_name.$': '$$.Execution.Name',
        'stop_reason.$': '$.stream.stop_reason',
      },
      resultPath: JsonPath.DISCARD,
    });
    const cancelGuards = invoke(scope, STOP_STATES.cancelGuards, fn['cancel-guards'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: JsonPath.DISCARD,
    });
    cancelGuards.addCatch(recordStopped, { errors: [Errors.ALL], resultPath: '$.guards_cancel_failure' });
    cancelGuards.next(recordStopped);
    const onFailure = recordFailureAndFail(scope, { action: 'stop', fn: fn['record-failure'], state: 'failed' });

    skipOnStreamStateConflict(scope, claim, STOP_STATES.notStoppable);
    catchInto([stopConnector, stopChannel, describe, recordStopped], onFailure);
    recordStopped.next(new Succeed(scope, STOP_STATES.done, { stateName: STOP_STATES.done }));

    return claim.next(stopConnector).next(stopChannel).next(
      pollLoop(scope, {
        waitingFor: 'channel IDLE',
        describe,
        done: ['IDLE', 'DELETED'],
        next: cancelGuards,
        onFailure,
        deadlineSeconds: IDLE_DEADLINE_SECONDS,
        ...CHANNEL_WATCH,
      }),
    );
  },
});
