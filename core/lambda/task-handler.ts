import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Services } from '../aws/services';
import type * as z from '../domain/zod';
import { Invalid } from '../domain/errors';
import { containerDeps, type ClientFactories } from './container';
import { logger } from './logger';

/**
 * A task's input checked against its schema: a mismatch is {@link Invalid}, which no workflow
 * retries. Shared by the Lambda handler and the local runtime's task runner.
 */
export function parseTaskInput<S extends z.ZodMiniType>(schema: S, event: unknown): z.infer<S> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
    throw new Invalid(`task input invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** A task whose deps are config and the clock only names no clients; any other task must name each one. */
type ClientsArgument<D extends Partial<Services>> = [keyof ClientFactories<D>] extends [never] ? [] : [clients: ClientFactories<D>];

/**
 * The Lambda handler of a task: parses the state's input with the task's schema
 * ({@link parseTaskInput}), then calls `run` with its deps, built once per container from the
 * client factories the task names:
 * `taskHandler(Input, run, { medialive: mediaLiveClient, store: streamStore })`.
 * `config` and `now` come with every handler.
 */
export function taskHandler<S extends z.ZodMiniType, Out, D extends Partial<Services> = Pick<Services, never>>(
  schema: S,
  run: (input: z.infer<S>, deps: D) => Promise<Out>,
  ...[clients]: NoInfer<ClientsArgument<D>>
) {
  const deps = containerDeps<D>((clients ?? {}) as ClientFactories<D>);
  return middy(async (event: unknown): Promise<Out> => run(parseTaskInput(schema, event), deps())).use(
    injectLambdaContext(logger),
  );
}
