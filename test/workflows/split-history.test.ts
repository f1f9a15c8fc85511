import { Duration } from 'aws-cdk-lib';
import { Fail, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from '@jest/globals';
import { nextPoll } from '../../core/domain/poll';
import { planSection } from '../../core/domain/split-plan';
import { splitOutputs } from '../../core/domain/split-outputs';
import { HistoryRecorder } from '../../local/stepfunctions/history';
import { Input as PrepareTranscodeInput, run as prepareTranscode } from '../../tasks/prepare-transcode';
import { defineWorkflow } from '../../workflows/definition';
import { everyState, renderWorkflow, type AslDefinition, type AslState } from '../../workflows/render';
import { SPLIT_STATES, splitWorkflow } from '../../workflows/split';
import { invoke, pollLoop } from '../../workflows/steps';
import { outputOf, runWorkflow, statuses, type EventLog, type WorkflowRun } from './harness';
import { anArchiveTimeline } from '../fixtures/archive-timeline';
import { shaped } from '../fixtures/shape';
import { SplitReportSchema, TranscodeRequestSchema } from '../fixtures/split-report';

/**
 * A split's execution history must stay far below Step Functions' quota: "AWS Step Functions has
 * a hard quota of 25,000 entries in the execution event history"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html; the quotas page,
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), however long its
 * MediaConvert jobs run. The events are counted as the cloud records them (the local history
 * recorder: TaskScheduled/TaskStarted/TaskSubmitted/TaskSucceeded around each task, entered/exited
 * per state, MapIteration* per section).
 */
const HISTORY_QUOTA = 25_000;
const SECTIONS = 100;
const SEGMENT = 10;

const timeline = anArchiveTimeline(SECTIONS + 1, { segment_length: SEGMENT, last_duration: SEGMENT });
const timestampList = Array.from({ length: SECTIONS }, (_, i) => ({ start: i * SEGMENT + 1, end: i * SEGMENT + 9 }));

function historyEvents(run: WorkflowRun, integrationOfState: Readonly<Record<string, string>>): number {
  const recorder = new HistoryRecorder('us-east-1', integrationOfState);
  return run.events.reduce((count, event: EventLog) => count + recorder.convert(event).length, 0);
}

/** State names reachable from a state in one step: Next, Choice branches, Default, Catch targets. */
function successors(state: AslState): string[] {
  const choices = (state.Choices as { Next: string }[] | undefined) ?? [];
  const catches = (state.Catch as { Next: string }[] | undefined) ?? [];
  return [state.Next, state.Default, ...choices.map((c) => c.Next), ...catches.map((c) => c.Next)].filter(
    (next): next is string => typeof next === 'string',
  );
}

/** A state that can be entered again in the same iteration (a loop), if any. */
function loopIn(definition: AslDefinition): string | undefined {
  const done = new Set<string>();
  const onPath = new Set<string>();
  const visit = (name: string): string | undefined => {
    if (onPath.has(name)) return name;
    if (done.has(name)) return undefined;
    onPath.add(name);
    for (const next of successors(definition.States[name])) {
      const found = visit(next);
      if (found) return found;
    }
    onPath.delete(name);
    done.add(name);
    return undefined;
  };
  return visit(definition.StartAt);
}

/** The old split's wait, per poll: Wait → Describe (Lambda) → Choice, with its bounds (10 s, then up to 60 s). */
const pollProbe = defineWorkflow({
  action: 'poll-probe',
  description: 'the Lambda + Wait poll loop the split used per section',
  tasks: ['describe'],
  timeout: Duration.hours(1),
  build(scope, fn) {
    const describe = invoke(scope, 'Describe', fn.describe, { payload: { 'poll.$': '$.poll' }, resultPath: '$.poll' });
    return pollLoop(scope, {
      waitingFor: 'job',
      describe,
      done: ['COMPLETE'],
      next: new Succeed(scope, 'Done'),
      onFailure: new Fail(scope, 'Failed'),
      deadlineSeconds: 14400,
      initialWaitSeconds: 10,
      maxWaitSeconds: 60,
    });
  },
});

/** How many Describe polls the old loop made for a job of `seconds` (its backoff, from core/domain/poll.ts). */
function pollsFor(seconds: number): number {
  const start = new Date(0);
  let poll = nextPoll({ deadline_seconds: 14400, initial_wait_seconds: 10, max_wait_seconds: 60 }, 'PROGRESSING', start);
  let elapsed = 0;
  let polls = 1;
  while (elapsed < seconds) {
    elapsed += poll.wait_seconds;
    poll = nextPoll(poll, 'PROGRESSING', new Date(elapsed * 1000));
    polls++;
  }
  return polls;
}

describe('split execution history', () => {
  it('has no loop inside a section: its events do not grow with the job’s length', () => {
    const { asl } = renderWorkflow(splitWorkflow);
    const cutEach = asl.States[SPLIT_STATES.cutEach];

    expect(loopIn(cutEach.ItemProcessor!)).toBeUndefined();
    expect(everyState(cutEach.ItemProcessor!).filter(([, state]) => state.Type === 'Wait')).toEqual([]);
  });

  it(`stays far below the ${HISTORY_QUOTA} event quota for ${SECTIONS} sections, where the Lambda poll loop passed it`, async () => {
    const outputs = splitOutputs({ archivePath: 's3://arch/p/', outputBucket: 'out', nameModifier: 'm', sections: timestampList });
    const { integrationOfState } = renderWorkflow(splitWorkflow);
    const run = await runWorkflow(
      splitWorkflow,
      { stream_id: 's', session_id: 'x', archive_path: 's3://arch/p/', name_modifier: 'm', timestamp_list: timestampList },
      {
        // The progress writes count as the cloud records them; what they write is split.test.ts's concern.
        [SPLIT_STATES.recordPlan]: () => ({ sections: SECTIONS }),
        [SPLIT_STATES.recordSection]: () => ({ state: 'done' }),
        [SPLIT_STATES.recordEnd]: () => ({ status: 'SUCCEEDED' }),
        [SPLIT_STATES.listArchive]: () => ({ timeline, gaps: [] }),
        [SPLIT_STATES.plan]: () => ({ sections: outputs.map((o) => planSection(timeline, o)) }),
        [SPLIT_STATES.writePlaylist]: () => ({ playlist: 'p', segments: 1 }),
        [SPLIT_STATES.prepareTranscode]: (state) => prepareTranscode(PrepareTranscodeInput.parse(state)),
        [SPLIT_STATES.transcode]: (request) => ({ Job: { Id: `job-${shaped(request, TranscodeRequestSchema, 'a CreateJob request').UserMetadata.section}`, Status: 'COMPLETE' } }),
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run, SplitReportSchema).sections.filter((s) => s.status === 'COMPLETE')).toHaveLength(SECTIONS);
    const events = historyEvents(run, integrationOfState);

    // The old design, measured: events per extra poll of its loop, times the polls a 1 h job took.
    const probe = (polls: number) =>
      runWorkflow(pollProbe, { poll: {} }, { Describe: statuses(...Array<string>(polls - 1).fill('PROGRESSING'), 'COMPLETE') });
    const [one, eleven] = [await probe(1), await probe(11)];
    const perPoll = (historyEvents(eleven, {}) - historyEvents(one, {})) / 10;
    const oldPerSection = perPoll * pollsFor(3600);

    console.log(
      `history: ${SECTIONS} sections = ${events} events (${(events / SECTIONS).toFixed(1)}/section, any job length; quota ${HISTORY_QUOTA}); ` +
        `old Lambda poll loop: ${perPoll} events/poll, ${pollsFor(3600)} polls per 1 h job → ≈${Math.round(oldPerSection * SECTIONS)} events for ${SECTIONS} sections`,
    );
    expect(events).toBeLessThan(HISTORY_QUOTA / 5);
    expect(perPoll * pollsFor(3600) * SECTIONS).toBeGreaterThan(HISTORY_QUOTA);
  });
});
