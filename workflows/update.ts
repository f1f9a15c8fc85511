import { Duration } from 'aws-cdk-lib';
import { Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { catchInto, claimStream, invoke, recordFailureAndFail } from './steps';

export const UPDATE_STATES = {
  claim: 'Claim stream for update',
  syncName: 'Rename channel if idle',
  recordFailure: 'Record update failure',
  failed: 'Update failed',
  done: 'Updated',
} as const;

/**
 * update: the API has already written name/description/segment_length; this gives the MediaLive
 * channel the new name when it is IDLE (a running channel gets it at its next start, and the new
 * segment_length takes effect there too). The claim only checks the stream exists and lists the
 * execution on it: update is allowed in every state and takes no claim.
 */
export const updateWorkflow = defineWorkflow({
  action: 'update',
  description: "Updates a stream: renames its MediaLive channel to the record's name when the channel is idle.",
  tasks: ['claim-stream', 'sync-channel-name', 'record-failure'],
  timeout: Duration.minutes(5),
  build(scope, fn) {
    const claim = claimStream(scope, 'update', fn['claim-stream']);
    const syncName = invoke(scope, UPDATE_STATES.syncName, fn['sync-channel-name'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: '$.channel',
    });
    catchInto([syncName], recordFailureAndFail(scope, { action: 'update', fn: fn['record-failure'] }));
    return claim.next(syncName).next(new Succeed(scope, UPDATE_STATES.done, { stateName: UPDATE_STATES.done }));
  },
});
