import { Duration } from 'aws-cdk-lib';
import { Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { catchInto, claimStream, invoke, recordFailureAndFail, skipOnStreamStateConflict } from './steps';

export const LIVE_STATES = {
  claim: 'Claim stream for live',
  putRoute: 'Put live route',
  recordLive: 'Record stream live',
  notLiveable: 'Skip: stream being created or deleted',
  recordFailure: 'Record live failure',
  failed: 'Live failed',
  done: 'Live',
} as const;

/**
 * live: check the state rules (live takes no claim, so it never blocks a start or stop), write the
 * stream's route to the live distribution's KeyValueStore (see `core/aws/live-route.ts`), record
 * `live` and `live_endpoint`. Idempotent: a second live rewrites the same route.
 */
export const liveWorkflow = defineWorkflow({
  action: 'live',
  description: "Makes a stream live: routes /live/{stream_id}/ on the live distribution to the stream's origin.",
  tasks: ['claim-stream', 'put-live-route', 'record-live', 'record-failure'],
  timeout: Duration.minutes(5),
  build(scope, fn) {
    const claim = claimStream(scope, 'live', fn['claim-stream']);
    const putRoute = invoke(scope, LIVE_STATES.putRoute, fn['put-live-route'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: '$.route',
    });
    const recordLive = invoke(scope, LIVE_STATES.recordLive, fn['record-live'], {
      payload: { 'stream_id.$': '$.stream_id', live: true, 'live_endpoint.$': '$.route.live_endpoint' },
      resultPath: '$.recorded',
    });
    skipOnStreamStateConflict(scope, claim, LIVE_STATES.notLiveable);
    catchInto([putRoute, recordLive], recordFailureAndFail(scope, { action: 'live', fn: fn['record-failure'] }));
    return claim.next(putRoute).next(recordLive).next(new Succeed(scope, LIVE_STATES.done, { stateName: LIVE_STATES.done }));
  },
});
