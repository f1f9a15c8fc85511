import { describe, expect, it } from '@jest/globals';
import { EVENT_DATA_SCHEMAS, StreamEventSchema } from '../../../core/domain/events';
import { splitOutputs } from '../../../core/domain/split-outputs';
import {
  finishedProgress,
  finishedSection,
  NOT_CUT,
  plannedProgress,
  SplitProgressSchema,
  splitSectionEvents,
  type SplitProgress,
} from '../../../core/domain/split-progress';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:fm-split:split-0123456789abcdef0123456789abcdef-t1';
const STREAM = '0123456789abcdef0123456789abcdef';
const AT = new Date('2026-03-01T12:00:00Z');
const outputs = splitOutputs({
  archivePath: 's3://arch/2026/03/01/s-1/',
  outputBucket: 'out',
  nameModifier: 'wk',
  sections: [
    { start: 0, end: 10 },
    { start: 10, end: 20 },
    { start: 20, end: 30 },
  ],
});

function planned(): SplitProgress {
  return plannedProgress({ executionId: EXECUTION, streamId: STREAM, outputs });
}

/** `item` with section `index` finished as `outcome` says, as the store's section write leaves it. */
function withSection(item: SplitProgress, index: number, outcome: { status: 'COMPLETE' | 'FAILED'; error?: string }): SplitProgress {
  return {
    ...item,
    sections: item.sections.map((s) => (s.index === index ? { ...s, ...finishedSection(outcome, AT) } : s)),
    version: item.version + 1,
  };
}

describe('split progress rules', () => {
  it('plans every section pending, with its MP4, under version 1', () => {
    const item = planned();

    expect(SplitProgressSchema.parse(item)).toEqual(item);
    expect(item).toMatchObject({ execution_id: EXECUTION, stream_id: STREAM, status: 'RUNNING', version: 1 });
    expect(item.sections).toEqual(outputs.map(({ index, start, end, output }) => ({ index, start, end, output, state: 'pending' })));
  });

  it('refuses a finished section without the time it finished', () => {
    const item = { ...planned(), sections: [{ ...planned().sections[0], state: 'done' }] };

    expect(SplitProgressSchema.safeParse(item).error?.issues.map((i) => i.path.join('.'))).toEqual(['sections.0.finished_at']);
  });

  it('finishes a section done, or failed with its reason', () => {
    expect(finishedSection({ status: 'COMPLETE' }, AT)).toEqual({ state: 'done', finished_at: AT.toISOString() });
    expect(finishedSection({ status: 'FAILED', error: 'section 1: no archive' }, AT)).toEqual({
      state: 'failed',
      error: 'section 1: no archive',
      finished_at: AT.toISOString(),
    });
  });

  it('ends a split: finished sections keep their state, pending ones take their outcome', () => {
    const item = withSection(planned(), 0, { status: 'FAILED', error: 'first word' });

    const ended = finishedProgress(item, {
      status: 'SUCCEEDED',
      // The Map's outcome of section 0 cannot overrule what its own write recorded.
      outcomes: [
        { index: 0, status: 'COMPLETE' },
        { index: 1, status: 'COMPLETE' },
        { index: 2, status: 'FAILED', error: 'past the end' },
      ],
      at: AT,
    });

    expect(ended?.status).toBe('SUCCEEDED');
    expect(ended?.version).toBe(item.version + 1);
    expect(ended?.sections.map((s) => [s.state, s.error])).toEqual([
      ['failed', 'first word'],
      ['done', undefined],
      ['failed', 'past the end'],
    ]);
  });

  it('fails every pending section with the execution’s error when the split fails', () => {
    const item = withSection(planned(), 1, { status: 'COMPLETE' });

    const ended = finishedProgress(item, { status: 'FAILED', error: 'Invalid: no archive segments', at: AT });

    expect(ended).toMatchObject({ status: 'FAILED', error: 'Invalid: no archive segments' });
    expect(ended?.sections.map((s) => [s.state, s.error])).toEqual([
      ['failed', 'Invalid: no archive segments'],
      ['done', undefined],
      ['failed', 'Invalid: no archive segments'],
    ]);
  });

  it('says why a section was not cut when the end names neither an outcome nor an error', () => {
    const ended = finishedProgress(planned(), { status: 'SUCCEEDED', outcomes: [], at: AT });

    expect(ended?.sections.map((s) => s.error)).toEqual([NOT_CUT, NOT_CUT, NOT_CUT]);
  });

  it('changes nothing once the split has ended', () => {
    const ended = finishedProgress(planned(), { status: 'FAILED', error: 'x', at: AT })!;

    expect(finishedProgress(ended, { status: 'SUCCEEDED', outcomes: [], at: AT })).toBeUndefined();
  });
});

describe('splitSectionEvents', () => {
  it('publishes nothing for a split just planned', () => {
    expect(splitSectionEvents(undefined, planned())).toEqual([]);
  });

  it('publishes split.section.done for a section that became done, with a valid envelope', () => {
    const before = planned();
    const after = withSection(before, 1, { status: 'COMPLETE' });

    const events = splitSectionEvents(before, after);

    expect(events).toEqual([
      {
        id: `${EXECUTION}#section-1#done`,
        kind: 'split.section.done',
        version: 1,
        stream_id: STREAM,
        at: AT.toISOString(),
        data: { execution_id: EXECUTION, index: 1, start: 10, end: 20, state: 'done', output: outputs[1].output, error: null },
      },
    ]);
    expect(events.map((e) => StreamEventSchema.parse(e))).toEqual(events);
    // The data is what docs/EVENTS.md documents for the kind (generated from this schema).
    expect(EVENT_DATA_SCHEMAS['split.section.done'].parse(events[0].data)).toEqual(events[0].data);
  });

  it('publishes split.section.failed with the reason', () => {
    const before = planned();
    const after = withSection(before, 2, { status: 'FAILED', error: 'section 2: starts after the end of the archive' });

    expect(splitSectionEvents(before, after)).toEqual([
      expect.objectContaining({
        id: `${EXECUTION}#section-2#failed`,
        kind: 'split.section.failed',
        data: expect.objectContaining({ index: 2, state: 'failed', output: null, error: 'section 2: starts after the end of the archive' }),
      }),
    ]);
  });

  it('keeps a stream key out of a failed section\'s event, as every event does', () => {
    const after = withSection(planned(), 2, { status: 'FAILED', error: 'could not read rtmp://1.2.3.4:1935/live1/s3cr3tKey' });

    const [failed] = splitSectionEvents(planned(), after);

    expect(failed.data.error).toBe('could not read rtmp://1.2.3.4:1935/live1/***');
  });

  it('publishes each section once: a later write that leaves it as it was publishes nothing for it', () => {
    const first = withSection(planned(), 0, { status: 'COMPLETE' });
    const second = withSection(first, 1, { status: 'COMPLETE' });

    expect(splitSectionEvents(first, second).map((e) => e.data.index)).toEqual([1]);
    expect(splitSectionEvents(second, { ...second, version: second.version + 1 })).toEqual([]);
  });

  it('publishes every section the end finished at once, each under its stable id', () => {
    const before = withSection(planned(), 0, { status: 'COMPLETE' });
    const after = finishedProgress(before, { status: 'FAILED', error: 'Lambda.Unknown', at: AT })!;

    const events = splitSectionEvents(before, after);

    expect(events.map((e) => [e.kind, e.id])).toEqual([
      ['split.section.failed', `${EXECUTION}#section-1#failed`],
      ['split.section.failed', `${EXECUTION}#section-2#failed`],
    ]);
    // The same change seen again (a redelivered stream record) is the same events.
    expect(splitSectionEvents(before, after)).toEqual(events);
  });

  it('publishes a whole finished item seen without its old image (an insert) and nothing for a removal', () => {
    const ended = finishedProgress(planned(), { status: 'SUCCEEDED', outcomes: outputs.map((o) => ({ index: o.index, status: 'COMPLETE' as const })), at: AT })!;

    expect(splitSectionEvents(undefined, ended).map((e) => e.kind)).toEqual(['split.section.done', 'split.section.done', 'split.section.done']);
    expect(splitSectionEvents(ended, undefined)).toEqual([]);
  });
});
