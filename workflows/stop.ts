import { Duration } from 'aws-cdk-lib';
import { JsonPath, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { catchInto, claimStream, invoke, pollLoop, pollStateNames, recordFailureAndFail, skipped } from './steps';

export const STOP_STATES = {
  claim: 'Claim stream for stop',
  stopChannel: 'Stop MediaLive channel',
  describe: 'Describe channel (stopping)',
  poll: pollStateNames('channel IDLE'),
  recordStopped: 'Record stream stopped',
  recordFailure: 'Record stop failure',
  failed: 'Stop failed',
  notStoppable: 'Skip: stream not starting or running',
  done: 'Stopped',
} as const;

/** MediaLive stops a channel in well under a minute; ten is a generous deadline. */
const IDLE_DEADLINE_SECONDS = 600;

/**
 * stop: claim (starting|running → stopping), stop the channel, wait for IDLE, then idle with
 * `last_stopped`. A stream in any other state is left untouched and the execution says so.
 */
export const stopWorkflow = defineWorkflow({
  action: 'stop',
  description: 'Stops a stream: stops its MediaLive channel and waits until it is IDLE.',
  tasks: ['claim-stream', 'stop-channel', 'describe-channel', 'record-outcome', 'record-failure'],
  timeout: Duration.minutes(15),
  build(scope, fn) {
    const claim = claimStream(scope, 'stop', fn['claim-stream']);
    const stopChannel = invoke(scope, STOP_STATES.stopChannel, fn['stop-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const describe = invoke(scope, STOP_STATES.describe, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    const recordStopped = invoke(scope, STOP_STATES.recordStopped, fn['record-outcome'], {
      payload: { 'stream_id.$': '$.stream_id', state: 'idle', stamp: ['last_stopped'] },
      resultPath: JsonPath.DISCARD,
    });
    const onFailure = recordFailureAndFail(scope, 'stop', fn['record-failure'], 'failed');

    claim.addCatch(skipped(scope, STOP_STATES.notStoppable), { errors: ['StreamStateConflict'], resultPath: '$.failure' });
    catchInto([stopChannel, describe, recordStopped], onFailure);
    recordStopped.next(new Succeed(scope, STOP_STATES.done, { stateName: STOP_STATES.done }));

    return claim.next(stopChannel).next(
      pollLoop(scope, {
        waitingFor: 'channel IDLE',
        describe,
        done: ['IDLE', 'DELETED'],
        next: recordStopped,
        onFailure,
        deadlineSeconds: IDLE_DEADLINE_SECONDS,
      }),
    );
  },
});
