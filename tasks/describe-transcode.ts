import { GetJobCommand } from '@aws-sdk/client-mediaconvert';
import { z } from 'zod';
import { aws, Invalid } from '../core/errors';
import { nextPoll, PollSchema, type PollState } from '../core/poll';
import type { Services } from '../core/services';
import { taskHandler } from '../core/task-handler';

export const Input = z.object({ job_id: z.string().min(1), poll: PollSchema });

type Deps = Pick<Services, 'mediaconvert' | 'now'>;

/**
 * The Describe step of a transcode's poll loop. A job that ended in ERROR or CANCELED fails the
 * step with MediaConvert's own reason, which the section's catch reports.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<PollState & { percent_complete: number }> {
  const out = await aws('reading the MediaConvert job', () => deps.mediaconvert.send(new GetJobCommand({ Id: input.job_id })));
  const job = out.Job;
  const status = job?.Status ?? 'UNKNOWN';
  if (status === 'ERROR' || status === 'CANCELED') {
    const reason = [job?.ErrorCode, job?.ErrorMessage].filter((part) => part !== undefined && part !== '').join(' ');
    throw new Invalid(`MediaConvert job ${input.job_id} ended ${status}${reason ? `: ${reason}` : ''}`);
  }
  return { ...nextPoll(input.poll, status, deps.now()), percent_complete: job?.JobPercentComplete ?? 0 };
}

export const handler = taskHandler(Input, run);
