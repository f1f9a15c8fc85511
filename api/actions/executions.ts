import type * as z from '../../core/domain/zod';
import { NotFound } from '../../core/domain/errors';
import type { Config } from '../../core/lambda/config';
import { executionDetail, executionSummary, type ActionsByMachine, type ExecutionSummary } from '../../core/aws/executions';
import { notFound } from '../errors';
import type { Reply } from '../http';
import type { RouteContext } from '../route';
import type { ExecutionPathSchema, StreamPathSchema } from '../schemas';

/** Reads a few executions at a time: enough to be quick, few enough not to be throttled. */
const CONCURRENCY = 5;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** An execution Step Functions no longer has (past its retention) is left out, not an error. */
async function unlessGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

/** The deployment's state machines by ARN, so an execution a schedule named itself still shows its action. */
function actionsByMachine(config: Config): ActionsByMachine {
  return Object.fromEntries(Object.entries(config.STATE_MACHINE_ARNS).map(([action, arn]) => [arn, action]));
}

/** The stream's executions (the ones it tracks), newest first. */
export async function listExecutions({
  params,
  services,
}: RouteContext<z.infer<typeof StreamPathSchema>, unknown>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  const summaries = await mapLimited(item.execution_arns, CONCURRENCY, (arn) =>
    unlessGone(executionSummary(services.sfn, arn, actionsByMachine(services.config))),
  );
  const found = summaries.filter((s): s is ExecutionSummary => s !== undefined);
  found.sort((a, b) => b.started_at.localeCompare(a.started_at));
  return { status: 200, body: found };
}

/** One execution of the stream, by ARN or name, with its output and history. */
export async function getExecution({
  params,
  services,
}: RouteContext<z.infer<typeof ExecutionPathSchema>, unknown>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  const wanted = params.execution_id;
  const arn = item.execution_arns.find((a) => a === wanted || a.split(':').pop() === wanted);
  const missing = () => notFound(`stream ${item.id} has no execution ${wanted}`);
  if (!arn) throw missing();
  const detail = await unlessGone(executionDetail(services.sfn, arn, actionsByMachine(services.config)));
  if (!detail) throw missing();
  return { status: 200, body: detail };
}
