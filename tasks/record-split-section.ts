import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { splitProgressStore } from '../core/aws/split-progress';
import { SectionOutcomeSchema } from '../core/domain/split-progress';
import { taskHandler } from '../core/lambda/task-handler';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';

export const Input = z.object({ execution_id: z.string().check(z.minLength(1)), outcome: SectionOutcomeSchema });

type Deps = Pick<Services, 'config' | 'dynamodb' | 'now'>;

/**
 * The end of one section's Map iteration: that section `done` or `failed` in the split's progress.
 * Iterations run at once, so this writes the section's own list element only (see
 * `SplitProgressStore.recordSection`); a repeat finds it finished and changes nothing.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ state: string }> {
  const progress = await splitProgressStore(deps).recordSection(input.execution_id, input.outcome);
  const section = progress.sections.find((s) => s.index === input.outcome.index);
  return { state: section?.state ?? 'pending' };
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient });
