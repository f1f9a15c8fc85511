import * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { splitProgressStore } from '../core/aws/split-progress';
import { caughtFailureMessage } from '../core/domain/failure';
import { SectionOutcomeSchema } from '../core/domain/split-progress';
import { taskHandler } from '../core/lambda/task-handler';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';

export const Input = z.discriminatedUnion('status', [
  z.object({
    execution_id: z.string().check(z.minLength(1)),
    status: z.literal('SUCCEEDED'),
    /** The Map's results: every section's outcome. */
    sections: z.array(SectionOutcomeSchema),
  }),
  z.object({
    execution_id: z.string().check(z.minLength(1)),
    status: z.literal('FAILED'),
    /** The caught error, as a Catch with `resultPath: '$.failure'` leaves it. */
    failure: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
  }),
]);

type Deps = Pick<Services, 'config' | 'dynamodb' | 'now'>;

/**
 * The split's last step: its status in its progress. On success every section takes its outcome
 * from the Map's results (which also repairs a section whose own write was lost); on failure the
 * sections still `pending` fail with the execution's error.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ status: string }> {
  const store = splitProgressStore(deps);
  const progress =
    input.status === 'SUCCEEDED'
      ? await store.finish(input.execution_id, { status: 'SUCCEEDED', outcomes: input.sections })
      : await store.finish(input.execution_id, { status: 'FAILED', error: caughtFailureMessage(input.failure) });
  return { status: progress?.status ?? 'not recorded' };
}

export const handler = taskHandler(Input, run, { dynamodb: dynamoDbClient });
