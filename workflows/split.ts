import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Errors, IntegrationPattern, JitterType, JsonPath, Map as MapState, Pass, Succeed, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { MediaConvertCreateJob } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { defineWorkflow } from './definition';
import { catchInto, failWithCaughtError, invoke } from './steps';

export const SPLIT_STATES = {
  recordPlan: 'Record split sections',
  listArchive: 'List session archive',
  plan: 'Plan sections',
  cutEach: 'Cut each section',
  canCut: 'Can section be cut?',
  notCut: 'Section cannot be cut',
  writePlaylist: 'Write section playlist',
  prepareTranscode: 'Prepare section transcode',
  transcode: 'Transcode section',
  sectionDone: 'Section cut',
  sectionFailed: 'Report section failure',
  recordSection: 'Record section outcome',
  sectionNotRecorded: 'Section outcome not recorded',
  recordEnd: 'Record split end',
  recordFailure: 'Record split failure',
  report: 'Report sections',
  done: 'Split done',
  failed: 'Split failed',
} as const;

/** Sections cut at once: MediaConvert queues the rest anyway; this bounds the jobs in flight. */
export const MAX_CONCURRENT_SECTIONS = 5;
/** MediaConvert cuts an hour of video in minutes; a job still running after 4 h is stuck. */
export const TRANSCODE_DEADLINE_SECONDS = 4 * 3600;

/**
 * split: list the session's archive (one pipeline, filled from the other, gaps recorded) and time
 * it, plan every section, then per section (at most {@link MAX_CONCURRENT_SECTIONS} at once):
 * write its VOD playlist, build its MediaConvert job request, then create the job and wait for it
 * with the `mediaconvert:createJob.sync` integration. Step Functions does that wait itself, so a
 * section costs the same few history events however long its job runs (a Lambda poll loop cost
 * events per poll, and 100 long sections passed Standard's 25,000-event history quota). A
 * section that can't be cut (planned FAILED, a task error, a job ERROR, the deadline) ends its own
 * iteration with `{status: 'FAILED', error}`, so the others complete; the output lists every
 * section's outcome.
 * Its progress is written as it goes (`core/aws/split-progress.ts`, read by
 * `GET /streams/{id}/splits/{execution_id}`): every section `pending` first, each section's outcome
 * as its iteration ends, the execution's status at the end (with every outcome again, so a section
 * write that was lost is repaired there; one that fails is therefore not a section failure).
 * The stream record is not written: a split changes no stream state (the API tracks the execution).
 */
export const splitWorkflow = defineWorkflow({
  action: 'split',
  description: 'Cuts sections of a session recording into MP4s: one VOD playlist and one MediaConvert job per section.',
  tasks: [
    'record-split-plan',
    'list-archive',
    'plan-split',
    'write-section-playlist',
    'prepare-transcode',
    'section-failed',
    'record-split-section',
    'record-split-end',
  ],
  timeout: Duration.hours(24),
  build(scope, fn, resources) {
    const recordPlan = invoke(scope, SPLIT_STATES.recordPlan, fn['record-split-plan'], {
      payload: {
        'execution_id.$': '$$.Execution.Id',
        'stream_id.$': '$.stream_id',
        'archive_path.$': '$.archive_path',
        'name_modifier.$': '$.name_modifier',
        'timestamp_list.$': '$.timestamp_list',
      },
      resultPath: JsonPath.DISCARD,
      timeout: Duration.seconds(30),
    });
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
    // Each way a section ends puts its outcome at `$.outcome`, beside the iteration's execution_id, for the record step.
    const notCut = new Pass(scope, SPLIT_STATES.notCut, {
      stateName: SPLIT_STATES.notCut,
      parameters: outcome('FAILED', { 'error.$': '$.section.error' }),
      resultPath: '$.outcome',
    });
    const sectionDone = new Pass(scope, SPLIT_STATES.sectionDone, {
      stateName: SPLIT_STATES.sectionDone,
      parameters: outcome('COMPLETE', { 'job_id.$': '$.job.job_id', 'duration.$': '$.section.duration' }),
      resultPath: '$.outcome',
    });
    const sectionFailed = invoke(scope, SPLIT_STATES.sectionFailed, fn['section-failed'], {
      payload: { 'section.$': '$.section', 'failure.$': '$.failure' },
      resultPath: '$.outcome',
      timeout: Duration.seconds(30),
    });
    // The iteration's result is the outcome alone, recorded or not (`Record split end` writes every outcome again).
    const recordSection = invoke(scope, SPLIT_STATES.recordSection, fn['record-split-section'], {
      payload: { 'execution_id.$': '$.execution_id', 'outcome.$': '$.outcome' },
      resultPath: JsonPath.DISCARD,
      outputPath: '$.outcome',
      timeout: Duration.seconds(30),
    });
    const notRecorded = new Pass(scope, SPLIT_STATES.sectionNotRecorded, { stateName: SPLIT_STATES.sectionNotRecorded, inputPath: '$.outcome' });
    recordSection.addCatch(notRecorded, { errors: [Errors.ALL], resultPath: '$.failure' });
    notCut.next(recordSection);
    sectionFailed.next(recordSection);
    const write = invoke(scope, SPLIT_STATES.writePlaylist, fn['write-section-playlist'], {
      payload: { 'timeline.$': '$.timeline', 'section.$': '$.section' },
      resultPath: JsonPath.DISCARD,
    });
    const prepare = invoke(scope, SPLIT_STATES.prepareTranscode, fn['prepare-transcode'], {
      payload: { 'stream_id.$': '$.stream_id', 'section.$': '$.section', 'execution_name.$': '$.execution_name' },
      resultPath: '$.request',
      timeout: Duration.seconds(30),
    });
    const transcode = new MediaConvertCreateJob(scope, SPLIT_STATES.transcode, {
      stateName: SPLIT_STATES.transcode,
      integrationPattern: IntegrationPattern.RUN_JOB,
      // The role is named here, not read from the state, so the machine's role may pass only it.
      createJobRequest: {
        Role: resources.mediaConvertRoleArn,
        Settings: JsonPath.objectAt('$.request.Settings'),
        ClientRequestToken: JsonPath.stringAt('$.request.ClientRequestToken'),
        UserMetadata: JsonPath.objectAt('$.request.UserMetadata'),
        StatusUpdateInterval: JsonPath.stringAt('$.request.StatusUpdateInterval'),
      },
      // The finished job (GetJob's answer) is large; the outcome needs its id only.
      resultSelector: { job_id: JsonPath.stringAt('$.Job.Id') },
      resultPath: '$.job',
      taskTimeout: Timeout.duration(Duration.seconds(TRANSCODE_DEADLINE_SECONDS)),
    });
    // CreateJob's throttling and 5xx, named as Step Functions names a service's exceptions
    // (`{Service}.{Exception}`); a job that ends in ERROR is not retried (it would fail again).
    transcode.addRetry({
      errors: ['MediaConvert.TooManyRequestsException', 'MediaConvert.InternalServerErrorException'],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.seconds(30),
      jitterStrategy: JitterType.FULL,
    });
    catchInto([write, prepare, transcode], sectionFailed);
    const cutOne = new Choice(scope, SPLIT_STATES.canCut, { stateName: SPLIT_STATES.canCut })
      .when(Condition.stringEquals('$.section.status', 'FAILED'), notCut)
      .otherwise(write.next(prepare).next(transcode).next(sectionDone).next(recordSection));

    const cutEach = new MapState(scope, SPLIT_STATES.cutEach, {
      stateName: SPLIT_STATES.cutEach,
      itemsPath: '$.plan.sections',
      maxConcurrency: MAX_CONCURRENT_SECTIONS,
      itemSelector: {
        'section.$': '$$.Map.Item.Value',
        'timeline.$': '$.archive.timeline',
        'stream_id.$': '$.stream_id',
        'execution_name.$': '$$.Execution.Name',
        'execution_id.$': '$$.Execution.Id',
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
    const recordEnd = invoke(scope, SPLIT_STATES.recordEnd, fn['record-split-end'], {
      payload: { 'execution_id.$': '$$.Execution.Id', status: 'SUCCEEDED', 'sections.$': '$.sections' },
      resultPath: JsonPath.DISCARD,
      timeout: Duration.seconds(30),
    });
    const failed = failWithCaughtError(scope, SPLIT_STATES.failed);
    // The failure is recorded if it can be; the execution fails with the error it caught either way.
    const recordFailure = invoke(scope, SPLIT_STATES.recordFailure, fn['record-split-end'], {
      payload: { 'execution_id.$': '$$.Execution.Id', status: 'FAILED', 'failure.$': '$.failure' },
      resultPath: JsonPath.DISCARD,
      timeout: Duration.seconds(30),
    });
    recordFailure.addCatch(failed, { errors: [Errors.ALL], resultPath: JsonPath.DISCARD });
    recordFailure.next(failed);
    catchInto([recordPlan, list, plan, cutEach, recordEnd], recordFailure);

    return recordPlan
      .next(list)
      .next(plan)
      .next(cutEach)
      .next(recordEnd)
      .next(report)
      .next(new Succeed(scope, SPLIT_STATES.done, { stateName: SPLIT_STATES.done }));
  },
});
