import * as z from '../core/domain/zod';
import { caughtFailureMessage } from '../core/domain/failure';
import { PlannedSectionSchema } from '../core/domain/split-plan';
import type { SectionOutcome } from '../core/domain/split-progress';
import { taskHandler } from '../core/lambda/task-handler';

export const Input = z.object({
  section: PlannedSectionSchema,
  /** The caught error, as a Catch with `resultPath: '$.failure'` leaves it. */
  failure: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
});

/** The job in a `.sync` failure's cause: the MediaConvert job as GetJob answers it. */
const FailedJobCauseSchema = z.object({
  Job: z.object({ Id: z.string(), Status: z.string(), ErrorCode: z.optional(z.number()), ErrorMessage: z.optional(z.string()) }),
});

/** `MediaConvert job {id} ended ERROR: {code} {message}` for a failed job's cause; else the failure as caught. */
function readable(failure: z.infer<typeof Input>['failure']): string {
  let cause: unknown;
  try {
    cause = JSON.parse(failure.Cause ?? '');
  } catch {
    return caughtFailureMessage(failure);
  }
  const job = FailedJobCauseSchema.safeParse(cause);
  if (!job.success) return caughtFailureMessage(failure);
  const { Id, Status, ErrorCode, ErrorMessage } = job.data.Job;
  const reason = [ErrorCode, ErrorMessage].filter((part) => part !== undefined && part !== '').join(' ');
  return caughtFailureMessage({ Error: failure.Error, Cause: `MediaConvert job ${Id} ended ${Status}${reason ? `: ${reason}` : ''}` });
}

/**
 * A section's failure as its outcome in the split's output: one readable sentence (Lambda's
 * `Cause` is a JSON envelope with a stack trace), so the execution says which section failed
 * and why while the other sections complete. A job that ended in ERROR says MediaConvert's code
 * and message, not the whole job the `.sync` state's cause carries.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a task's run returns a promise (taskHandler, the local task loader): its throws reject
export async function run(input: z.infer<typeof Input>): Promise<SectionOutcome> {
  const { index, start, end, playlist, output } = input.section;
  return { index, start, end, playlist, output, status: 'FAILED', error: `section ${index}: ${readable(input.failure)}` };
}

export const handler = taskHandler(Input, run);
