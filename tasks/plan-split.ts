import * as z from '../core/domain/zod';
import { ArchiveTimelineSchema } from '../core/domain/archive-timeline';
import type { Services } from '../core/aws/services';
import { planSection, SplitExecutionInputSchema, type PlannedSection } from '../core/domain/split-plan';
import { splitOutputs } from '../core/domain/split-outputs';
import { taskHandler } from '../core/lambda/task-handler';

const Requested = z.pick(SplitExecutionInputSchema, { archive_path: true, name_modifier: true, timestamp_list: true });
export const Input = z.extend(Requested, { timeline: ArchiveTimelineSchema });

type Deps = Pick<Services, 'config'>;

/**
 * Plans every section on the archive's timeline, under the names the API already answered
 * (`core/domain/split-outputs.ts`). A section that can't be cut is planned FAILED with the reason, so the
 * Map reports it and cuts the others.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a task's run returns a promise (taskHandler, the local task loader): its throws reject
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ sections: PlannedSection[] }> {
  const outputs = splitOutputs({
    archivePath: input.archive_path,
    outputBucket: deps.config.WORKSHOP_OUTPUT_BUCKET,
    nameModifier: input.name_modifier,
    sections: input.timestamp_list,
  });
  return { sections: outputs.map((output) => planSection(input.timeline, output)) };
}

export const handler = taskHandler(Input, run);
