import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ArchiveTimeline } from '../../core/domain/archive-timeline';
import { planSection, type PlannedSection } from '../../core/domain/split-plan';
import { splitOutputs } from '../../core/domain/split-outputs';
import { FRAME_RATES } from '../../core/domain/timecode';
import { Input as PrepareTranscodeInput, run as prepareTranscode } from '../../tasks/prepare-transcode';
import { Input as SectionFailedInput, run as sectionFailed } from '../../tasks/section-failed';
import { Input as RecordSectionInput } from '../../tasks/record-split-section';
import { Input as WritePlaylistInput } from '../../tasks/write-section-playlist';
import { RENDER_RESOURCES, renderWorkflow } from '../../workflows/render';
import { MAX_CONCURRENT_SECTIONS, SPLIT_STATES, splitWorkflow, TRANSCODE_DEADLINE_SECONDS } from '../../workflows/split';
import { startProgressTable, type ProgressTable } from '../fixtures/split-progress';
import { callsOf, EXECUTION_ID, EXECUTION_NAME, failing, failingThen, outputOf, runWorkflow, type StateHandler } from './harness';
import { SplitReportSchema, TranscodeRequestSchema } from '../fixtures/split-report';
import { shaped } from '../fixtures/shape';

const STREAM = '0123456789abcdef0123456789abcdef';
const ARCHIVE = 's3://arch/2024/01/02/stream-1/';

const timeline: ArchiveTimeline = {
  bucket: 'arch',
  prefix: '2024/01/02/stream-1/',
  pipeline: 'archive_1',
  runs: [{ first: 1, last: 4, base: 'archive_1' }],
  segment_length: 10,
  last_duration: 4,
  frame_rate: FRAME_RATES['25'],
};

const timestampList = [
  { start: 2, end: 12.5 },
  { start: 20, end: 30 },
  { start: 40, end: 50 },
];

function input(sections = timestampList) {
  return { stream_id: STREAM, session_id: 'sess', archive_path: ARCHIVE, name_modifier: 'wk', timestamp_list: sections };
}

function plans(sections = timestampList): PlannedSection[] {
  return splitOutputs({ archivePath: ARCHIVE, outputBucket: 'out', nameModifier: 'wk', sections }).map((o) => planSection(timeline, o));
}

/** The section a CreateJob request is for (the prepared request's metadata). */
function sectionOf(request: unknown): string {
  return shaped(request, TranscodeRequestSchema, 'a CreateJob request').UserMetadata.section;
}

/**
 * What `mediaconvert:createJob.sync` answers once a job ends: GetJob's output (`{Job}`), or, for
 * the sections in `failed`, a `States.TaskFailed` whose cause is that job in ERROR.
 */
function syncJobs(failed: Record<string, { code: number; message: string }> = {}): StateHandler {
  return (request) => {
    const section = sectionOf(request);
    const job = { Id: `job-${section}`, Status: 'COMPLETE' };
    const failure = failed[section];
    if (!failure) return { Job: job };
    return failing('States.TaskFailed', JSON.stringify({ Job: { ...job, Status: 'ERROR', ErrorCode: failure.code, ErrorMessage: failure.message } }))(request);
  };
}

let progress: ProgressTable;
beforeAll(async () => {
  progress = await startProgressTable();
});
// Every run has the harness's one execution id: each test starts from no progress.
beforeEach(async () => progress.forget(EXECUTION_ID));
afterAll(async () => progress?.close());

function handlers(overrides: Record<string, StateHandler> = {}): Record<string, StateHandler> {
  return {
    ...progress.handlers,
    [SPLIT_STATES.listArchive]: () => ({ timeline, gaps: [] }),
    [SPLIT_STATES.plan]: () => ({ sections: plans() }),
    [SPLIT_STATES.writePlaylist]: (state) => ({ playlist: WritePlaylistInput.parse(state).section.playlist, segments: 1 }),
    [SPLIT_STATES.prepareTranscode]: (state) => prepareTranscode(PrepareTranscodeInput.parse(state)),
    [SPLIT_STATES.transcode]: syncJobs(),
    [SPLIT_STATES.sectionFailed]: (state) => sectionFailed(SectionFailedInput.parse(state)),
    ...overrides,
  };
}

function outcome(index: number) {
  const [o] = plans().filter((p) => p.index === index);
  return { index, start: o.start, end: o.end, playlist: o.playlist, output: o.output };
}

describe('split workflow', () => {
  it('lists, plans, then writes a playlist and creates and waits for a job (.sync) per section; the output lists every outcome', async () => {
    const run = await runWorkflow(splitWorkflow, input(timestampList.slice(0, 2)), {
      ...handlers(),
      [SPLIT_STATES.plan]: () => ({ sections: plans(timestampList.slice(0, 2)) }),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls[SPLIT_STATES.listArchive]).toEqual([{ archive_path: ARCHIVE }]);
    expect(run.calls[SPLIT_STATES.plan][0]).toEqual({
      archive_path: ARCHIVE,
      name_modifier: 'wk',
      timestamp_list: timestampList.slice(0, 2),
      timeline,
    });
    expect(run.calls[SPLIT_STATES.writePlaylist]).toHaveLength(2);
    expect(run.calls[SPLIT_STATES.writePlaylist][0]).toEqual({ timeline, section: expect.objectContaining({ status: 'PLANNED' }) });
    expect(callsOf(run, SPLIT_STATES.prepareTranscode, PrepareTranscodeInput).map((c) => c.execution_name)).toEqual([EXECUTION_NAME, EXECUTION_NAME]);
    // CreateJob's request: the workflow's role, the prepared settings, a token per execution and section.
    const requests = run.calls[SPLIT_STATES.transcode];
    expect(requests).toHaveLength(2);
    expect(requests[0]).toEqual({ Role: RENDER_RESOURCES.mediaConvertRoleArn, ...(await prepareTranscode(PrepareTranscodeInput.parse(run.calls[SPLIT_STATES.prepareTranscode][0]))) });
    expect(new Set(callsOf(run, SPLIT_STATES.transcode, TranscodeRequestSchema).map((r) => r.ClientRequestToken)).size).toBe(2);
    expect(run.output).toEqual({
      stream_id: STREAM,
      session_id: 'sess',
      name_modifier: 'wk',
      pipeline: 'archive_1',
      gaps: [],
      sections: [
        { ...outcome(0), status: 'COMPLETE', job_id: 'job-0', duration: 10.52 },
        { ...outcome(1), status: 'COMPLETE', job_id: 'job-1', duration: 10 },
      ],
    });
  });

  it('runs sections at most five at a time', () => {
    const { asl } = renderWorkflow(splitWorkflow);

    expect(asl.States[SPLIT_STATES.cutEach]).toMatchObject({ Type: 'Map', MaxConcurrency: MAX_CONCURRENT_SECTIONS });
    expect(MAX_CONCURRENT_SECTIONS).toBe(5);
  });

  it('reports a section past the end of the archive as FAILED, with the reason, and cuts the others', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers());

    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run, SplitReportSchema).sections[2]).toEqual({
      ...outcome(2),
      status: 'FAILED',
      error: 'section 2 [40, 50]: starts after the end of the archive (34 s)',
    });
    expect(outputOf(run, SplitReportSchema).sections.slice(0, 2).map((s) => s.status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(callsOf(run, SPLIT_STATES.writePlaylist, WritePlaylistInput).map((c) => c.section.index).sort()).toEqual([0, 1]);
    // The progress says the same, section by section.
    const item = await progress.store.get(EXECUTION_ID);
    expect(item).toMatchObject({ execution_id: EXECUTION_ID, stream_id: STREAM, status: 'SUCCEEDED' });
    expect(item?.sections.map(({ index, state, error, output }) => ({ index, state, error, output }))).toEqual([
      { index: 0, state: 'done', error: undefined, output: outcome(0).output },
      { index: 1, state: 'done', error: undefined, output: outcome(1).output },
      { index: 2, state: 'failed', error: 'section 2 [40, 50]: starts after the end of the archive (34 s)', output: outcome(2).output },
    ]);
  });

  it('writes every section pending before anything else, then each section as its iteration ends, then the status', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers());

    expect(run.entered[0]).toBe(SPLIT_STATES.recordPlan);
    expect(run.calls[SPLIT_STATES.recordPlan]).toEqual([
      { execution_id: EXECUTION_ID, stream_id: STREAM, archive_path: ARCHIVE, name_modifier: 'wk', timestamp_list: timestampList },
    ]);
    const sectionWrites = run.entered.flatMap((state, i) => (state === SPLIT_STATES.recordSection ? [i] : []));
    expect(sectionWrites).toHaveLength(3);
    expect(Math.max(...sectionWrites)).toBeLessThan(run.entered.indexOf(SPLIT_STATES.recordEnd));
    expect(run.calls[SPLIT_STATES.recordSection].map((c) => shaped(c, RecordSectionInput, 'a section write').outcome.index).sort()).toEqual([0, 1, 2]);
    // Each iteration's result is still the outcome alone, recorded.
    expect(outputOf(run, SplitReportSchema).sections.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it('repairs a lost section write at the end, and does not fail the section for it', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers({
      [SPLIT_STATES.recordSection]: (state) => {
        const parsed = RecordSectionInput.parse(state);
        if (parsed.outcome.index === 1) return failing('Transient', 'writing split section progress: InternalServerError')(state);
        return progress.handlers[SPLIT_STATES.recordSection](state);
      },
    }));

    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toContain(SPLIT_STATES.sectionNotRecorded);
    expect(outputOf(run, SplitReportSchema).sections.map((s) => s.status)).toEqual(['COMPLETE', 'COMPLETE', 'FAILED']);
    expect((await progress.store.get(EXECUTION_ID))?.sections.map((s) => s.state)).toEqual(['done', 'done', 'failed']);
  });

  it('reports a job that ends in ERROR as that section’s failure, with MediaConvert’s reason', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers({
      [SPLIT_STATES.transcode]: syncJobs({ '1': { code: 1030, message: 'Unable to open input file' } }),
    }));

    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run, SplitReportSchema).sections[1]).toEqual({
      ...outcome(1),
      status: 'FAILED',
      error: 'section 1: States.TaskFailed: MediaConvert job job-1 ended ERROR: 1030 Unable to open input file',
    });
    expect(outputOf(run, SplitReportSchema).sections[0].status).toBe('COMPLETE');
    expect(run.calls[SPLIT_STATES.sectionFailed][0]).toMatchObject({ failure: { Error: 'States.TaskFailed' } });
  });

  it('reports a section whose playlist cannot be written, and still cuts the others', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers({
      [SPLIT_STATES.writePlaylist]: (state) => {
        const { section } = WritePlaylistInput.parse(state);
        if (section.index === 0) return failing('Invalid', 'writing the section playlist: AccessDenied')(state);
        return { playlist: section.playlist, segments: 1 };
      },
    }));

    expect(outputOf(run, SplitReportSchema).sections.map((s) => s.status)).toEqual(['FAILED', 'COMPLETE', 'FAILED']);
    expect(outputOf(run, SplitReportSchema).sections[0].error).toBe('section 0: Invalid: writing the section playlist: AccessDenied');
    expect(run.calls[SPLIT_STATES.transcode].map(sectionOf)).toEqual(['1']);
  });

  it('retries a throttled CreateJob, then carries on', async () => {
    const run = await runWorkflow(splitWorkflow, input(timestampList.slice(0, 1)), {
      ...handlers(),
      [SPLIT_STATES.plan]: () => ({ sections: plans(timestampList.slice(0, 1)) }),
      [SPLIT_STATES.transcode]: failingThen(2, 'MediaConvert.TooManyRequestsException', { Job: { Id: 'job-0', Status: 'COMPLETE' } }),
    });

    expect(outputOf(run, SplitReportSchema).sections[0].status).toBe('COMPLETE');
    expect(run.calls[SPLIT_STATES.transcode]).toHaveLength(3);
    expect(run.events.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
  });

  it('gives up on a job at the deadline and reports that section only', async () => {
    const { asl } = renderWorkflow(splitWorkflow);
    const iteration = (asl.States[SPLIT_STATES.cutEach] as { ItemProcessor: { States: Record<string, { TimeoutSeconds?: number }> } }).ItemProcessor;
    expect(iteration.States[SPLIT_STATES.transcode].TimeoutSeconds).toBe(TRANSCODE_DEADLINE_SECONDS);

    const run = await runWorkflow(splitWorkflow, input(timestampList.slice(0, 2)), {
      ...handlers(),
      [SPLIT_STATES.plan]: () => ({ sections: plans(timestampList.slice(0, 2)) }),
      // What the engine reports when a Task passes its TimeoutSeconds.
      [SPLIT_STATES.transcode]: (request) =>
        sectionOf(request) === '0' ? failing('States.Timeout', 'Task timed out')(request) : syncJobs()(request),
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run, SplitReportSchema).sections[0]).toMatchObject({ status: 'FAILED', error: 'section 0: States.Timeout: Task timed out' });
    expect(outputOf(run, SplitReportSchema).sections[1].status).toBe('COMPLETE');
  });

  it('fails the execution, saying why, when the session has no archive to split', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers({
      [SPLIT_STATES.listArchive]: failing('Invalid', `no archive segments ({base}.{counter}.ts) under ${ARCHIVE}`),
    }));

    expect(run.status).toBe('FAILED');
    expect(run.entered).toContain(SPLIT_STATES.failed);
    expect(run.error?.message).toContain('no archive segments');
    expect(run.entered).not.toContain(SPLIT_STATES.plan);
    // Its progress fails every section with the execution's reason.
    const item = await progress.store.get(EXECUTION_ID);
    expect(item?.status).toBe('FAILED');
    expect(item?.error).toMatch(/^Invalid: no archive segments/);
    expect(item?.sections.map((s) => s.state)).toEqual(['failed', 'failed', 'failed']);
    expect(item?.sections[0].error).toBe(item?.error);
  });

  it('still fails with the error it caught when its failure cannot be recorded', async () => {
    const run = await runWorkflow(splitWorkflow, input(), handlers({
      [SPLIT_STATES.listArchive]: failing('Invalid', `no archive segments ({base}.{counter}.ts) under ${ARCHIVE}`),
      [SPLIT_STATES.recordFailure]: failing('Transient', 'writing split progress: InternalServerError'),
    }));

    expect(run.status).toBe('FAILED');
    expect(run.error?.message).toContain('no archive segments');
  });
});
