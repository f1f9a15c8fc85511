import { z } from 'zod';
import { failureMessage } from '../core/failure';
import { PlannedSectionSchema } from '../core/split-plan';
import { taskHandler } from '../core/task-handler';

export const Input = z.object({
  section: PlannedSectionSchema,
  /** The caught error, as a Catch with `resultPath: '$.failure'` leaves it. */
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

export interface SectionOutcome {
  index: number;
  start: number;
  end: number;
  playlist: string;
  output: string;
  status: 'COMPLETE' | 'FAILED';
  error?: string;
}

/**
 * A section's failure as its outcome in the split's output: one readable sentence (Lambda's
 * `Cause` is a JSON envelope with a stack trace), so the execution says which section failed
 * and why while the other sections complete.
 */
export async function run(input: z.infer<typeof Input>): Promise<SectionOutcome> {
  const { index, start, end, playlist, output } = input.section;
  return { index, start, end, playlist, output, status: 'FAILED', error: `section ${index}: ${failureMessage(input.failure)}` };
}

export const handler = taskHandler(Input, run);
