import { Duration } from 'aws-cdk-lib';
import { JsonPath, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { catchInto, claimStream, invoke, recordFailureAndFail } from './steps';

export const UNLIVE_STATES = {
  claim: 'Claim stream for unlive',
  removeRoute: 'Remove live route',
  recordNotLive: 'Record stream not live',
  recordFailure: 'Record unlive failure',
  failed: 'Unlive failed',
  done: 'Not live',
} as const;

/**
 * unlive: delete the stream's route from the live distribution's KeyValueStore (a missing route is
 * already removed), then record `live` false. The claim is allowed in every state; it lists the
 * execution on the stream, for `GET …/executions`.
 */
export const unliveWorkflow = defineWorkflow({
  action: 'unlive',
  description: 'Takes a stream off the live distribution.',
  tasks: ['claim-stream', 'remove-live-route', 'record-live', 'record-failure'],
  timeout: Duration.minutes(5),
  build(scope, fn) {
    const claim = claimStream(scope, 'unlive', fn['claim-stream']);
    const removeRoute = invoke(scope, UNLIVE_STATES.removeRoute, fn['remove-live-route'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: '$.route',
    });
    const recordNotLive = invoke(scope, UNLIVE_STATES.recordNotLive, fn['record-live'], {
      payload: { 'stream_id.$': '$.stream_id', live: false },
      resultPath: JsonPath.DISCARD,
    });
    catchInto([removeRoute, recordNotLive], recordFailureAndFail(scope, { action: 'unlive', fn: fn['record-failure'] }));
    return claim
      .next(removeRoute)
      .next(recordNotLive)
      .next(new Succeed(scope, UNLIVE_STATES.done, { stateName: UNLIVE_STATES.done }));
  },
});
