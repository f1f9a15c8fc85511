import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { splitProgressStore } from '../core/aws/split-progress';
import { splitOutputs } from '../core/domain/split-outputs';
import { SplitExecutionInputSchema } from '../core/domain/split-plan';
import { taskHandler } from '../core/lambda/task-handler';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';

const Requested = z.pick(SplitExecutionInputSchema, { stream_id: true, archive_path: true, name_modifier: true, timestamp_list: true });
export const Input = z.extend(Requested, { execution_id: z.string().check(z.minLength(1)) });

type Deps = Pick<Services, 'config' | 'dynamodb' | 'now'>;

/**
 * The split's first step: its progress, every section `pending`, under the names the API answered
 * (`core/domain/split-outputs.ts`, the rule `plan-split` plans with), so the progress route answers
 * from the start. Already written (the API writes it too, or a retry): nothing changes.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ sections: number }> {
  const outputs = splitOutputs({
    archivePath: input.archive_path,
    outputBucket: deps.config.WORKSHOP_OUTPUT_BUCKET,
    nameModifier: input.name_modifier,
    sections: input.timestamp_list,
  });
  const progress = await splitProgressStore(deps).begin({ executionId: input.execution_id, streamId: input.stream_id, outputs });
  return { sections: progress.sections.length };
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient });
