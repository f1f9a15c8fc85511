import { Duration } from 'aws-cdk-lib';
import { Errors, JsonPath, Pass, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { CHANNEL_WATCH, claimStream, invoke, pollLoop, pollStateNames, recordFailureAndFail, skipOnStreamStateConflict } from './steps';
import { TEARDOWN_TASKS, teardown, teardownNames } from './teardown';

const CLEANUP = teardownNames('Clean up: ', 'Describe channel (cleaning up)');

export const CREATE_STATES = {
  plan: 'Choose MediaPackage ids',
  claim: 'Claim stream for create',
  notCreating: 'Skip: stream not creating',
  createInput: 'Create MediaLive input',
  createPackageChannel: 'Create MediaPackage channel',
  createEndpoint: 'Create HLS origin endpoint',
  createChannel: 'Create MediaLive channel',
  describe: 'Describe channel (creating)',
  poll: pollStateNames('channel IDLE'),
  /** The poll loop's state for a channel that can never become IDLE (CREATE_FAILED, …). */
  channelFailed: 'channel IDLE failed',
  recordCreated: 'Record stream created',
  done: 'Created',
  cleanup: CLEANUP,
  recordFailure: 'Record create failure',
  failed: 'Create failed',
} as const;

/** MediaLive makes a channel in seconds; ten minutes is generous. */
const IDLE_DEADLINE_SECONDS = 600;
/** Deleting a channel takes under a minute; as long again before cleanup gives up on it. */
const DELETED_DEADLINE_SECONDS = 600;

/**
 * create: provisions a new stream's media chain and leaves it `idle`:
 * MediaLive RTMP push input → MediaPackage channel → HLS origin endpoint → MediaLive channel, then
 * waits for the channel to be IDLE. Each create task records its resource on the stream as soon as
 * it exists (so the record always references it, even if the execution dies), and MediaLive ids
 * also come back into `$.made`. MediaPackage ids are chosen up front (`$.planned`), so a step that
 * failed half way is cleaned up by id too.
 *
 * Compensation: a failure enters the teardown at the first thing that may exist (the channel, else
 * the endpoint, …), and every cleanup step runs whatever the one before it did: a cleanup failure is
 * recorded at `$.cleanup.{step}` and the next step still runs. Then the stream is `failed`, its
 * `last_error` naming the failure and any cleanup that failed, whose ids stay on the record so a
 * later DELETE can finish the job.
 */
export const createWorkflow = defineWorkflow({
  action: 'create',
  description: 'Creates a stream: MediaLive input and channel, MediaPackage channel and HLS endpoint; deletes them again if any step fails.',
  tasks: [
    'claim-stream',
    'create-input',
    'create-package-channel',
    'create-origin-endpoint',
    'create-channel',
    'record-outcome',
    'record-failure',
    ...TEARDOWN_TASKS,
  ],
  // The IDLE wait, then at worst a cleanup that waits as long for the channel to go, plus retries.
  timeout: Duration.hours(1),
  build(scope, fn) {
    const plan = new Pass(scope, CREATE_STATES.plan, {
      stateName: CREATE_STATES.plan,
      parameters: {
        'stream_id.$': '$.stream_id',
        planned: {
          package_channel_id: JsonPath.format('fm-{}', JsonPath.stringAt('$.stream_id')),
          endpoint_id: JsonPath.format('fm-{}-hls', JsonPath.stringAt('$.stream_id')),
        },
        cleanup: {},
      },
    });
    const claim = claimStream(scope, 'create', fn['claim-stream']);
    const createInput = invoke(scope, CREATE_STATES.createInput, fn['create-input'], {
      payload: { 'stream_id.$': '$.stream_id', 'execution_name.$': '$$.Execution.Name' },
      resultPath: '$.made.input',
    });
    const createPackageChannel = invoke(scope, CREATE_STATES.createPackageChannel, fn['create-package-channel'], {
      payload: { 'stream_id.$': '$.stream_id', 'package_channel_id.$': '$.planned.package_channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const createEndpoint = invoke(scope, CREATE_STATES.createEndpoint, fn['create-origin-endpoint'], {
      payload: {
        'stream_id.$': '$.stream_id',
        'package_channel_id.$': '$.planned.package_channel_id',
        'endpoint_id.$': '$.planned.endpoint_id',
      },
      resultPath: JsonPath.DISCARD,
    });
    const createChannel = invoke(scope, CREATE_STATES.createChannel, fn['create-channel'], {
      payload: {
        'stream_id.$': '$.stream_id',
        'execution_name.$': '$$.Execution.Name',
        'input_id.$': '$.made.input.input_id',
        'package_channel_id.$': '$.planned.package_channel_id',
        'segment_length.$': '$.stream.segment_length',
      },
      resultPath: '$.made.channel',
    });
    const describe = invoke(scope, CREATE_STATES.describe, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.made.channel.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    const recordCreated = invoke(scope, CREATE_STATES.recordCreated, fn['record-outcome'], {
      payload: { 'stream_id.$': '$.stream_id', state: 'idle', 'execution_name.$': '$$.Execution.Name' },
      resultPath: JsonPath.DISCARD,
    });

    const recordFailure = recordFailureAndFail(scope, {
      action: 'create',
      fn: fn['record-failure'],
      state: 'failed',
      cleanupPath: '$.cleanup',
    });
    const cleanup = teardown(scope, fn, {
      names: CLEANUP,
      ids: {
        channel: '$.made.channel.channel_id',
        endpoint: '$.planned.endpoint_id',
        packageChannel: '$.planned.package_channel_id',
        input: '$.made.input.input_id',
      },
      next: recordFailure,
      // Record the cleanup's own failure beside the one being compensated, and go on deleting.
      onStepFailure: (step, following) => ({ handler: following, resultPath: `$.cleanup.${step}` }),
      channelDeadlineSeconds: DELETED_DEADLINE_SECONDS,
    });

    const caught = { errors: [Errors.ALL], resultPath: '$.failure' };
    skipOnStreamStateConflict(scope, claim, CREATE_STATES.notCreating);
    claim.addCatch(recordFailure, caught);
    // Nothing of ours exists before the input does.
    createInput.addCatch(recordFailure, caught);
    // A failed step's own MediaPackage resource may exist (made, then the step died): its id is planned, so delete it.
    createPackageChannel.addCatch(cleanup.packageChannel, caught);
    createEndpoint.addCatch(cleanup.endpoint, caught);
    createChannel.addCatch(cleanup.endpoint, caught);
    describe.addCatch(cleanup.channel, caught);
    recordCreated.addCatch(cleanup.channel, caught);

    recordCreated.next(new Succeed(scope, CREATE_STATES.done, { stateName: CREATE_STATES.done }));
    return plan
      .next(claim)
      .next(createInput)
      .next(createPackageChannel)
      .next(createEndpoint)
      .next(createChannel)
      .next(
        pollLoop(scope, {
          waitingFor: 'channel IDLE',
          describe,
          done: ['IDLE'],
          failed: ['CREATE_FAILED', 'DELETING', 'DELETED'],
          next: recordCreated,
          onFailure: cleanup.channel,
          deadlineSeconds: IDLE_DEADLINE_SECONDS,
          ...CHANNEL_WATCH,
        }),
      );
  },
});
