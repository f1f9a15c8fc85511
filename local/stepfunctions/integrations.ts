import { CreateJobCommand, GetJobCommand, type CreateJobCommandInput, type MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import type { LocalMediaConvert } from '../mediaconvert';

/** Answers a Task state that calls an AWS service itself: its `Resource` and its resolved `Parameters`. */
export type IntegrationRunner = (resource: string, input: unknown) => Promise<unknown>;

/** The `.sync` integration that creates a MediaConvert job and waits for it to end. */
export const MEDIACONVERT_CREATE_JOB_SYNC = 'arn:aws:states:::mediaconvert:createJob.sync';

/**
 * The error a `.sync` task fails with when its job ends unsuccessfully: ASL's "A Task State failed
 * during the execution" (https://states-language.net/spec.html#appendix-a). The MediaConvert
 * integration's page names no error of its own
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-mediaconvert.html); the cause is
 * the job as GetJob answers it (status, ErrorCode, ErrorMessage), as the ECS and Batch `.sync`
 * integrations put the described job in theirs. The split catches every error, so the name only
 * shows in its output.
 */
export const SYNC_JOB_FAILED = 'States.TaskFailed';

function taskError(name: string, cause: string): Error {
  const err = new Error(cause);
  err.name = name;
  return err;
}

/**
 * Step Functions' service integrations, locally, over the same SDK clients the tasks use:
 * `mediaconvert:createJob.sync` sends CreateJob with the state's parameters (an API error fails
 * the state as `MediaConvert.{exception}`), waits until the local MediaConvert ends the job, and
 * answers GetJob's output, or fails with {@link SYNC_JOB_FAILED} if the job did not COMPLETE.
 */
export function localIntegrations(deps: { mediaconvert: () => MediaConvertClient; jobs: LocalMediaConvert }): IntegrationRunner {
  return async (resource, input) => {
    if (resource !== MEDIACONVERT_CREATE_JOB_SYNC) throw taskError('States.Runtime', `the service integration ${resource} is not available locally`);
    const client = deps.mediaconvert();
    let id: string;
    try {
      const created = await client.send(new CreateJobCommand(input as CreateJobCommandInput));
      id = created.Job!.Id!;
    } catch (err) {
      const e = err as Error;
      throw taskError(`MediaConvert.${e.name}`, e.message);
    }
    await deps.jobs.settled(id);
    const { $metadata: _, ...described } = await client.send(new GetJobCommand({ Id: id }));
    // What crosses into the state is JSON: dates become strings.
    const output = JSON.parse(JSON.stringify(described)) as { Job: { Status?: string } };
    if (output.Job.Status !== 'COMPLETE') throw taskError(SYNC_JOB_FAILED, JSON.stringify(output));
    return output;
  };
}
