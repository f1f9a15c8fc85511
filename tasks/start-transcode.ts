import { CreateJobCommand } from '@aws-sdk/client-mediaconvert';
import { z } from 'zod';
import { requireSetting } from '../core/config';
import { aws } from '../core/errors';
import { requestToken } from '../core/ids';
import type { Services } from '../core/services';
import { PlannedSectionSchema } from '../core/split-plan';
import { taskHandler } from '../core/task-handler';
import { sectionJob } from '../core/transcode-job';

export const Input = z.object({
  stream_id: z.string(),
  section: PlannedSectionSchema,
  execution_name: z.string().min(1),
});

type Deps = Pick<Services, 'mediaconvert' | 'config'>;

/**
 * Creates the section's MediaConvert job. The token is derived from the execution and the
 * section, so a retried step gets the job it already made instead of a second one.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ job_id: string }> {
  const job = sectionJob({
    section: input.section,
    role: requireSetting(deps.config, 'MEDIACONVERT_ROLE_ARN'),
    clientRequestToken: requestToken(input.execution_name, `section-${input.section.index}`),
    streamId: input.stream_id,
  });
  const out = await aws('creating the MediaConvert job', () => deps.mediaconvert.send(new CreateJobCommand(job)));
  return { job_id: out.Job!.Id! };
}

export const handler = taskHandler(Input, run);
