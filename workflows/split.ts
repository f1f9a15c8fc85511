import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Fail, JsonPath, Map as MapState, Pass, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { defineWorkflow } from './definition';
import { catchInto, invoke, pollLoop, pollStateNames } from './steps';

export const SPLIT_STATES = {
  listArchive: 'List session archive',
  plan: 'Plan sections',
  cutEach: 'Cut each section',
  canCut: 'Can section be cut?',
  notCut: 'Section cannot be cut',
  writePlaylist: 'Write section playlist',
  startTranscode: 'Start section transcode',
  describe: 'Describe section transcode',
  poll: pollStateNames('section transcode COMPLETE'),
  sectionDone: 'Section cut',
  sectionFailed: 'Report section failure',
  report: 'Report sections',
  done: 'Split done',
  failed: 'Split failed',
} as const;

/** Sections cut at once: MediaConvert queues the rest anyway; this bounds the polling. */
export const MAX_CONCURRENT_SECTIONS = 5;
/** MediaConvert cuts an hour of video in minutes; a job still running after 4 h is stuck. */
const TRANSCODE_DEADLINE_SECONDS = 4 * 3600;

/**
 * split: list the session's archive (one pipeline, filled from the other, gaps recorded) and time
 * it, plan every section, then per section (at most {@link MAX_CONCURRENT_SECTIONS} at once):
 * write its VOD playlist, create its MediaConvert job, wait for the job. A section that can't be
 * cut (planned FAILED, a task error, a job ERROR, the deadline) ends its own iteration with
 * `{status: 'FAILED', error}`, so the others complete; the output lists every section's outcome.
 * The stream record is not written: a split changes no stream state (the API tracks the execution).
 */
export const splitWorkflow = defineWorkflow({
  action: 'split',
  description: 'Cuts sections of a session recording into MP4s: one VOD playlist and one MediaConvert job per section.',
  tasks: ['list-archive', 'plan-split', 'write-section-playlist', 'start-transcode', 'describe-transcode', 'section-failed'],
  timeout: Duration.hours(24),
  build(scope, fn) {
    const list = invoke(scope, SPLIT_STATES.listArchive, fn['list-archive'], {
      payload: { 'archive_path.$': '$.archive_path' },
      resultPath: '$.archive',
      timeout: Duration.minutes(2),
    });
    const plan = invoke(scope, SPLIT_STATES.plan, fn['plan-split'], {
      payload: {
        'archive_path.$': '$.archive_path',
        'name_modifier.$': '$.name_modifier',
        'timestamp_list.$': '$.timestamp_list',
        'timeline.$': '$.archive.timeline',
      },
      resultPath: '$.plan',
    });

    const outcome = (status: 'COMPLETE' | 'FAILED', extra: Record<string, string>) => ({
      'index.$': '$.section.index',
      'start.$': '$.section.start',
      'end.$': '$.section.end',
      'playlist.$': '$.section.playlist',
      'output.$': '$.section.output',
      status,
      ...extra,
    });
    const notCut = new Pass(scope, SPLIT_STATES.notCut, {
      stateName: SPLIT_STATES.notCut,
      parameters: outcome('FAILED', { 'error.$': '$.section.error' }),
    });
    const sectionDone = new Pass(scope, SPLIT_STATES.sectionDone, {
      stateName: SPLIT_STATES.sectionDone,
      parameters: outcome('COMPLETE', { 'job_id.$': '$.job.job_id', 'duration.$': '$.section.duration' }),
    });
    const sectionFailed = invoke(scope, SPLIT_STATES.sectionFailed, fn['section-failed'], {
      payload: { 'section.$': '$.section', 'failure.$': '$.failure' },
      timeout: Duration.seconds(30),
    });
    const write = invoke(scope, SPLIT_STATES.writePlaylist, fn['write-section-playlist'], {
      payload: { 'timeline.$': '$.timeline', 'section.$': '$.section' },
      resultPath: JsonPath.DISCARD,
    });
    const start = invoke(scope, SPLIT_STATES.startTranscode, fn['start-transcode'], {
      payload: { 'stream_id.$': '$.stream_id', 'section.$': '$.section', 'execution_name.$': '$.execution_name' },
      resultPath: '$.job',
    });
    const describe = invoke(scope, SPLIT_STATES.describe, fn['describe-transcode'], {
      payload: { 'job_id.$': '$.job.job_id', 'poll.$': '$.poll' },
      resultPath: '$.poll',
    });
    catchInto([write, start, describe], sectionFailed);
    const cutOne = new Choice(scope, SPLIT_STATES.canCut, { stateName: SPLIT_STATES.canCut })
      .when(Condition.stringEquals('$.section.status', 'FAILED'), notCut)
      .otherwise(
        write.next(start).next(
          pollLoop(scope, {
            waitingFor: 'section transcode COMPLETE',
            describe,
            done: ['COMPLETE'],
            next: sectionDone,
            onFailure: sectionFailed,
            deadlineSeconds: TRANSCODE_DEADLINE_SECONDS,
            initialWaitSeconds: 10,
            maxWaitSeconds: 60,
          }),
        ),
      );

    const cutEach = new MapState(scope, SPLIT_STATES.cutEach, {
      stateName: SPLIT_STATES.cutEach,
      itemsPath: '$.plan.sections',
      maxConcurrency: MAX_CONCURRENT_SECTIONS,
      itemSelector: {
        'section.$': '$$.Map.Item.Value',
        'timeline.$': '$.archive.timeline',
        'stream_id.$': '$.stream_id',
        'execution_name.$': '$$.Execution.Name',
      },
      resultPath: '$.sections',
    }).itemProcessor(cutOne);

    const report = new Pass(scope, SPLIT_STATES.report, {
      stateName: SPLIT_STATES.report,
      parameters: {
        'stream_id.$': '$.stream_id',
        'session_id.$': '$.session_id',
        'name_modifier.$': '$.name_modifier',
        'pipeline.$': '$.archive.timeline.pipeline',
        'gaps.$': '$.archive.gaps',
        'sections.$': '$.sections',
      },
    });
    const failed = new Fail(scope, SPLIT_STATES.failed, {
      stateName: SPLIT_STATES.failed,
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    catchInto([list, plan, cutEach], failed);

    return list
      .next(plan)
      .next(cutEach)
      .next(report)
      .next(new Succeed(scope, SPLIT_STATES.done, { stateName: SPLIT_STATES.done }));
  },
});
