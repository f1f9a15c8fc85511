import { Duration } from 'aws-cdk-lib';
import { Errors, JsonPath, Pass, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { CHANNEL_WATCH, catchInto, claimStream, invoke, pollLoop, pollStateNames, recordFailureAndFail, skipOnStreamStateConflict } from './steps';

export const START_STATES = {
  claim: 'Claim stream for start',
  beginSession: 'Begin archive session',
  configureChannel: 'Point channel archive at session',
  configureEndpoint: 'Apply startover window and encryption to endpoint',
  startChannel: 'Start MediaLive channel',
  describe: 'Describe channel (starting)',
  poll: pollStateNames('channel RUNNING'),
  armGuards: 'Arm cost guards',
  recordRunning: 'Record stream running',
  done: 'Running',
  notStartable: 'Skip: stream not idle',
  recordNotStarted: 'Record start failure (channel not started)',
  failedNotStarted: 'Start failed (channel not started)',
  keepFailure: 'Keep start failure aside',
  cancelGuards: 'Cancel cost guards after failed start',
  stopChannel: 'Stop channel after failed start',
  describeStopping: 'Describe channel (stopping after failed start)',
  stopPoll: pollStateNames('channel IDLE after failed start'),
  stopFailed: 'Note that the channel may still run',
  recordFailure: 'Record start failure',
  failed: 'Start failed',
} as const;

/**
 * "Most channels start in 3 minutes or less, but a startup time up to 10 minutes is still normal"
 * (https://docs.aws.amazon.com/medialive/latest/ug/starting-stopping-deleting-a-channel.html):
 * give up after 15.
 */
const RUNNING_DEADLINE_SECONDS = 900;
/**
 * When the second Describe of a starting channel begins, in seconds after the first. Every
 * Describe watches for 30 s ({@link CHANNEL_WATCH}): the first sees a quick start (the local
 * runtime's takes seconds) or a refusal; cloud starts take a minute or more (the issue's
 * lifecycle figure is 90 s), so the loop then sleeps until this second, and from here on watches
 * with a 1 s Wait between Describes: a start is seen within ~2 s of RUNNING at 3 state
 * transitions per half minute (docs/BENCHMARKS.md, lifecycle).
 */
const RUNNING_SECOND_LOOK_SECONDS = 60;
/** A stop takes well under a minute; ten is generous. */
const IDLE_DEADLINE_SECONDS = 600;

/**
 * start: claim (idle → starting), open a session (archive path), point the channel's archive
 * output at it, apply the start's options to the origin endpoint, start the channel and wait for
 * RUNNING (15 min), arm the session's cost guards (`tasks/arm-guards.ts`), then running with
 * `last_started`. The stop path cancels the guards first (a failed start leaves none armed; a
 * cancel that fails is only noted: a guard of a session that is over changes nothing).
 *
 * Failures before StartChannel is sent leave the channel as it was (configure-channel only touches
 * an IDLE channel), so the stream goes back to `idle` with `last_error` and can be started again.
 * From StartChannel on, the channel may be running, so every failure goes through the stop path:
 * stop the channel, wait for IDLE, record `failed`.
 *
 * No path leaves the channel running unrecorded: every state from StartChannel on (start, poll,
 * record running) is caught into the stop path; the stop path's own failures (stop refused, describe
 * failing, IDLE not reached in time) are caught too and recorded as `failed` with a message that
 * the channel may still run (delete stops it); the recording step retries throttling/transient
 * errors; and the total timeout (60 min) exceeds the longest path — the 15-min RUNNING deadline,
 * the 10-min IDLE deadline, and every step's capped retries (≤ 6 attempts, ≤ 30 s apart) — so the
 * execution cannot time out before the stop path has recorded its outcome.
 */
export const startWorkflow = defineWorkflow({
  action: 'start',
  description: 'Starts a stream: new archive session, channel and endpoint configured, channel started and RUNNING.',
  tasks: [
    'claim-stream',
    'begin-session',
    'configure-channel',
    'configure-endpoint',
    'start-channel',
    'describe-channel',
    'arm-guards',
    'cancel-guards',
    'stop-channel',
    'record-outcome',
    'record-failure',
  ],
  timeout: Duration.minutes(60),
  build(scope, fn) {
    const claim = claimStream(scope, 'start', fn['claim-stream']);
    const beginSession = invoke(scope, START_STATES.beginSession, fn['begin-session'], {
      payload: {
        // The whole execution input: the optional start options may be absent, which a JSONPath per field can't express.
        'start.$': '$$.Execution.Input',
        'execution_name.$': '$$.Execution.Name',
        'started_at.$': '$$.Execution.StartTime',
      },
      resultPath: '$.session',
    });
    const configureChannel = invoke(scope, START_STATES.configureChannel, fn['configure-channel'], {
      payload: { 'stream_id.$': '$.stream_id', 'archive_path.$': '$.session.archive_path' },
      resultPath: '$.configured.channel',
    });
    const configureEndpoint = invoke(scope, START_STATES.configureEndpoint, fn['configure-endpoint'], {
      payload: {
        'endpoint_id.$': '$.stream.endpoint_id',
        'startover_window_seconds.$': '$.session.startover_window_seconds',
        'key_rotation_interval.$': '$.session.key_rotation_interval',
      },
      resultPath: '$.configured.endpoint',
    });
    const startChannel = invoke(scope, START_STATES.startChannel, fn['start-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const describe = invoke(scope, START_STATES.describe, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    const armGuards = invoke(scope, START_STATES.armGuards, fn['arm-guards'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: JsonPath.DISCARD,
    });
    const recordRunning = invoke(scope, START_STATES.recordRunning, fn['record-outcome'], {
      payload: { 'stream_id.$': '$.stream_id', state: 'running', stamp: ['last_started'], 'execution_name.$': '$$.Execution.Name' },
      resultPath: JsonPath.DISCARD,
    });
    armGuards.next(recordRunning);
    recordRunning.next(new Succeed(scope, START_STATES.done, { stateName: START_STATES.done }));

    // Before StartChannel: nothing runs, back to idle.
    const recordNotStarted = recordFailureAndFail(scope, {
      action: 'start',
      fn: fn['record-failure'],
      state: 'idle',
      stateNames: { record: START_STATES.recordNotStarted, fail: START_STATES.failedNotStarted },
    });
    catchInto([beginSession, configureChannel, configureEndpoint], recordNotStarted);

    // From StartChannel on: stop the channel, then record `failed`. On the way to IDLE `$.failure`
    // stays the start's error; if stopping fails, `$.failure` becomes that error, so the start's is
    // kept aside first.
    const recordFailed = recordFailureAndFail(scope, { action: 'start', fn: fn['record-failure'], state: 'failed' });
    const keepFailure = new Pass(scope, START_STATES.keepFailure, {
      stateName: START_STATES.keepFailure,
      inputPath: '$.failure',
      resultPath: '$.start_failure',
    });
    const stopChannel = invoke(scope, START_STATES.stopChannel, fn['stop-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id' },
      resultPath: JsonPath.DISCARD,
    });
    const cancelGuards = invoke(scope, START_STATES.cancelGuards, fn['cancel-guards'], {
      payload: { 'stream_id.$': '$.stream_id' },
      resultPath: JsonPath.DISCARD,
    });
    cancelGuards.addCatch(stopChannel, { errors: [Errors.ALL], resultPath: '$.guards_cancel_failure' });
    const describeStopping = invoke(scope, START_STATES.describeStopping, fn['describe-channel'], {
      payload: { 'channel_id.$': '$.stream.channel_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    // Stopping failed too: record that the channel may still run, naming both errors (their details
    // stay in the execution history), so the record never claims a stopped channel.
    const stopFailed = new Pass(scope, START_STATES.stopFailed, {
      stateName: START_STATES.stopFailed,
      parameters: {
        Error: 'ChannelMayStillRun',
        'Cause.$': `States.Format('the start failed ({}) and the channel could not be confirmed stopped ({}); it may still be running: delete the stream to stop it', $.start_failure.Error, $.failure.Error)`,
      },
      resultPath: '$.failure',
    });
    stopFailed.next(recordFailed);
    catchInto([stopChannel, describeStopping], stopFailed);
    const stopPath = keepFailure.next(cancelGuards).next(stopChannel).next(
      pollLoop(scope, {
        waitingFor: 'channel IDLE after failed start',
        describe: describeStopping,
        done: ['IDLE', 'DELETED'],
        next: recordFailed,
        onFailure: stopFailed,
        deadlineSeconds: IDLE_DEADLINE_SECONDS,
        ...CHANNEL_WATCH,
      }),
    );
    catchInto([startChannel, describe, armGuards, recordRunning], stopPath);

    skipOnStreamStateConflict(scope, claim, START_STATES.notStartable);

    return claim
      .next(beginSession)
      .next(configureChannel)
      .next(configureEndpoint)
      .next(startChannel)
      .next(
        pollLoop(scope, {
          waitingFor: 'channel RUNNING',
          describe,
          done: ['RUNNING'],
          failed: ['STOPPING', 'DELETING', 'DELETED', 'CREATE_FAILED', 'UPDATE_FAILED'],
          next: armGuards,
          onFailure: stopPath,
          deadlineSeconds: RUNNING_DEADLINE_SECONDS,
          // Watching from the start, asleep from the first watch's end until a start is typically
          // done, then watching again without pause: see RUNNING_SECOND_LOOK_SECONDS.
          firstWaitSeconds: RUNNING_SECOND_LOOK_SECONDS - CHANNEL_WATCH.watchSeconds,
          initialWaitSeconds: 1,
          maxWaitSeconds: 1,
          ...CHANNEL_WATCH,
        }),
      );
  },
});
