import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type * as z from '../domain/zod';
import { Invalid } from '../domain/errors';
import { logger } from './logger';
import { cloudServices, type Services } from '../aws/services';

let services: Services | undefined;

/** The cloud services, built once per Lambda container on first use. */
function containerServices(): Services {
  services ??= cloudServices();
  return services;
}

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

/**
 * The Lambda handler of a task: parses the state's input with the task's schema
 * ({@link parseTaskInput}), then calls `run` with the container's services.
 */
export function taskHandler<S extends z.ZodMiniType, Out>(
  schema: S,
  run: (input: z.infer<S>, deps: Services) => Promise<Out>,
) {
  return middy(async (event: unknown): Promise<Out> => run(parseTaskInput(schema, event), containerServices())).use(
    injectLambdaContext(logger),
  );
}
