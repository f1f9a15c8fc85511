import * as z from '../core/domain/zod';
import { requestToken } from '../core/domain/ids';
import { PlannedSectionSchema } from '../core/domain/split-plan';
import { taskHandler } from '../core/lambda/task-handler';
import { sectionJob, type SectionJobRequest } from '../core/domain/transcode-job';

export const Input = z.object({
  stream_id: z.string(),
  section: PlannedSectionSchema,
  execution_name: z.string().check(z.minLength(1)),
});

/**
 * Builds the section's MediaConvert job request; the workflow's `.sync` state creates the job and
 * waits for it. The token is derived from the execution and the section, so a retried state (or
 * a redriven execution) gets the job it already made instead of a second one.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a task's run returns a promise (taskHandler, the local task loader): its throws reject
export async function run(input: z.infer<typeof Input>): Promise<SectionJobRequest> {
  return sectionJob({
    section: input.section,
    clientRequestToken: requestToken(input.execution_name, `section-${input.section.index}`),
    streamId: input.stream_id,
  });
}

export const handler = taskHandler(Input, run);
