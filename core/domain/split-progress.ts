import * as z from './zod';
import { streamEvent, type StreamEvent } from './events';
import { redactText } from './redact';
import { SplitOutputSchema, type SplitOutput } from './split-outputs';

/**
 * A split's progress, readable without its execution history (`GET /streams/{id}/splits/{execution_id}`):
 * one item per split execution, every section `pending` once the split is planned, then `done` or
 * `failed` as its Map iteration ends, and the execution's status once it ends. The rules here are
 * pure; `core/aws/split-progress.ts` writes them.
 */

export const SECTION_STATES = ['pending', 'done', 'failed'] as const;
export type SectionState = (typeof SECTION_STATES)[number];

/**
 * The split execution's, as Step Functions names them: its own last step writes SUCCEEDED or
 * FAILED; an execution stopped from outside (aborted, or past its 24 h timeout) runs no step, so
 * the API reads ABORTED and TIMED_OUT from Step Functions (`api/actions/splits.ts`).
 */
export const SPLIT_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export const SplitStatusSchema = z.enum(SPLIT_STATUSES);
export type SplitStatus = z.infer<typeof SplitStatusSchema>;

/** A section as the split planned it (`core/domain/split-outputs.ts`), its playlist left out, and how far it got. */
export const SectionProgressSchema = z.extend(z.omit(SplitOutputSchema, { playlist: true }), {
  state: z.enum(SECTION_STATES),
  /** Why a `failed` section could not be cut. */
  error: z.optional(z.string()),
  /** When it became `done` or `failed`, ISO-8601 UTC (always set then). */
  finished_at: z.optional(z.string()),
}).check(z.refine((s) => s.state === 'pending' || s.finished_at !== undefined, { message: 'a done or failed section has finished_at', path: ['finished_at'] }));
export type SectionProgress = z.infer<typeof SectionProgressSchema>;

export const SplitProgressSchema = z.object({
  /** The split execution's ARN: the table's partition key. */
  execution_id: z.string(),
  stream_id: z.string(),
  status: SplitStatusSchema,
  sections: z.array(SectionProgressSchema),
  /** Why the execution failed as a whole (its sections then say `failed` with the same reason). */
  error: z.optional(z.string()),
  /** Bumped by every write; whole-item writes are conditional on it. */
  version: z.number().check(z.int(), z.gte(1)),
});
export type SplitProgress = z.infer<typeof SplitProgressSchema>;

/** A section's outcome as the split workflow's Map iteration ends (`tasks/section-failed.ts`, the `Section cut` state). */
export const SectionOutcomeSchema = z.extend(SplitOutputSchema, {
  status: z.enum(['COMPLETE', 'FAILED']),
  error: z.optional(z.string()),
  /** A cut section's MediaConvert job and the seconds its MP4 lasts. */
  job_id: z.optional(z.string()),
  duration: z.optional(z.number()),
});
export type SectionOutcome = z.infer<typeof SectionOutcomeSchema>;

/** The progress of a split just planned: every section `pending`. */
export function plannedProgress(args: { executionId: string; streamId: string; outputs: readonly SplitOutput[] }): SplitProgress {
  return {
    execution_id: args.executionId,
    stream_id: args.streamId,
    status: 'RUNNING',
    sections: args.outputs.map(({ index, start, end, output }) => ({ index, start, end, output, state: 'pending' })),
    version: 1,
  };
}

/** What a section's outcome makes of it: `done`, or `failed` with the reason. */
export function finishedSection(outcome: Pick<SectionOutcome, 'status' | 'error'>, at: Date): Pick<SectionProgress, 'state' | 'error' | 'finished_at'> {
  if (outcome.status === 'COMPLETE') return { state: 'done', finished_at: at.toISOString() };
  return { state: 'failed', error: outcome.error ?? 'the section could not be cut', finished_at: at.toISOString() };
}

/** Said of a section the execution ended without cutting, when the execution names no reason. */
export const NOT_CUT = 'the split ended before this section was cut';

/**
 * The progress once the execution ends with `status`: a section already `done` or `failed` keeps
 * its state (its own write came first); a `pending` one takes its outcome from `outcomes` (the
 * Map's results, which also repair a section write that was lost), else fails with the
 * execution's `error`. Undefined when the item already says the execution ended (a repeat).
 */
export function finishedProgress(
  item: SplitProgress,
  end: { status: Exclude<SplitStatus, 'RUNNING'>; outcomes?: readonly Pick<SectionOutcome, 'index' | 'status' | 'error'>[]; error?: string; at: Date },
): SplitProgress | undefined {
  if (item.status !== 'RUNNING') return undefined;
  const byIndex = new Map((end.outcomes ?? []).map((o) => [o.index, o]));
  const sections = item.sections.map((section): SectionProgress => {
    if (section.state !== 'pending') return section;
    const outcome = byIndex.get(section.index) ?? { status: 'FAILED' as const, error: end.error ?? NOT_CUT };
    return { ...section, ...finishedSection(outcome, end.at) };
  });
  return { ...item, status: end.status, sections, ...(end.error === undefined ? {} : { error: end.error }), version: item.version + 1 };
}

const EVENT_KIND_OF_STATE = { done: 'split.section.done', failed: 'split.section.failed' } as const;

/**
 * The stream events one write of a split's progress item makes (`oldItem` → `newItem`, as
 * DynamoDB Streams' NEW_AND_OLD_IMAGES give them): `split.section.done` or `split.section.failed`
 * for each section that reached that state in this write. The id is derived from the execution,
 * the section and its state, so the same change seen twice (a stream record redelivered) is the
 * same event and a receiver drops the repeat.
 */
export function splitSectionEvents(oldItem: SplitProgress | undefined, newItem: SplitProgress | undefined): StreamEvent[] {
  if (!newItem) return [];
  const before = new Map((oldItem?.sections ?? []).map((s) => [s.index, s.state]));
  return newItem.sections.flatMap((section): StreamEvent[] => {
    if (section.state === 'pending' || before.get(section.index) === section.state) return [];
    return [
      streamEvent({
        id: `${newItem.execution_id}#section-${section.index}#${section.state}`,
        kind: EVENT_KIND_OF_STATE[section.state],
        streamId: newItem.stream_id,
        // The schema's check: a done or failed section has it.
        at: new Date(section.finished_at as string),
        data: {
          execution_id: newItem.execution_id,
          index: section.index,
          start: section.start,
          end: section.end,
          state: section.state,
          output: section.state === 'done' ? section.output : null,
          // An error may quote what the section read (a playlist, a URL): keys out, as in every event.
          error: section.error === undefined ? null : redactText(section.error),
        },
      }),
    ];
  });
}
