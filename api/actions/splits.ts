import { DescribeExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type * as z from '../../core/domain/zod';
import { parseArchivePath } from '../../core/domain/archive-path';
import { NotFound } from '../../core/domain/errors';
import { finishedProgress, type SectionProgress, type SplitProgress } from '../../core/domain/split-progress';
import type { SplitOutput } from '../../core/domain/split-outputs';
import { aws } from '../../core/aws/calls';
import { splitProgressStore } from '../../core/aws/split-progress';
import { logger } from '../../core/lambda/logger';
import { downloadUrl } from '../download-url';
import { notFound } from '../errors';
import type { Reply } from '../http';
import type { ApiServices, RouteContext } from '../route';
import type { ExecutionPathSchema } from '../schemas';
import type { SplitSectionViewSchema } from '../split-progress-schemas';
import { executionArnOf, stateMachineArn } from '../workflow';

/** Where a finished MP4 can be fetched (`downloadUrl`). */
function mp4Url(services: ApiServices, output: string): Promise<string> {
  const { bucket, prefix: key } = parseArchivePath(output);
  return downloadUrl(services, bucket, key, { attachment: true });
}

async function sectionView(services: ApiServices, section: SectionProgress): Promise<z.infer<typeof SplitSectionViewSchema>> {
  const { index, start, end, state, output, error } = section;
  return {
    index,
    start,
    end,
    state,
    output,
    ...(state === 'done' ? { download_url: await mp4Url(services, output) } : {}),
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The progress as the execution left it. An execution aborted or timed out runs no further step,
 * so its progress still says RUNNING: Step Functions' own status (DescribeExecution, not the
 * history) then ends it here, for this answer; the pending sections fail with that reason. So
 * does a FAILED execution whose failure could not be recorded.
 */
async function asTheExecutionEnded(services: ApiServices, progress: SplitProgress): Promise<SplitProgress> {
  if (progress.status !== 'RUNNING') return progress;
  let out: DescribeExecutionCommandOutput;
  try {
    out = await aws('describing the split execution', () => services.sfn.send(new DescribeExecutionCommand({ executionArn: progress.execution_id })));
  } catch (err) {
    // Past Step Functions' retention the execution is gone: the progress is all there is.
    if (err instanceof NotFound) return progress;
    throw err;
  }
  const status = out.status;
  if (status !== 'ABORTED' && status !== 'TIMED_OUT' && status !== 'FAILED') return progress;
  const error = `the split execution ended ${status} before this section was cut`;
  return finishedProgress(progress, { status, error, at: out.stopDate ?? services.now() }) ?? progress;
}

/** The split execution's ARN from the path's ARN or name (names are the split machine's executions). */
function splitExecutionArn(services: ApiServices, wanted: string): string {
  return wanted.startsWith('arn:') ? wanted : executionArnOf(stateMachineArn(services.config, 'split'), wanted);
}

/** One split's progress: each section's state and, once done, where to download it. */
export async function getSplit({ params, services }: RouteContext<z.infer<typeof ExecutionPathSchema>, unknown>): Promise<Reply> {
  const stream = await services.store.mustGet(params.id);
  const progress: SplitProgress | undefined = await splitProgressStore(services).get(splitExecutionArn(services, params.execution_id));
  // Another stream's split is as unknown here as one that never ran.
  if (!progress || progress.stream_id !== stream.id) throw notFound(`stream ${stream.id} has no split ${params.execution_id}`);
  const current = await asTheExecutionEnded(services, progress);
  const sections = await Promise.all(current.sections.map((section) => sectionView(services, section)));
  return { status: 200, body: { execution_id: current.execution_id, status: current.status, sections } };
}

/**
 * The API's own write of a split's first progress (every section `pending`) right after it started
 * the split, so the progress route answers from the 202 on. The workflow's first step writes the
 * same item if this one is not there (whoever comes second changes nothing), so a failure here is
 * logged, not the request's.
 */
export async function beginSplitProgress(services: ApiServices, args: { executionId: string; streamId: string; outputs: readonly SplitOutput[] }): Promise<void> {
  try {
    await splitProgressStore(services).begin(args);
  } catch (err) {
    logger.warn('split progress not written by the API; the split workflow writes it', { executionId: args.executionId, error: String(err) });
  }
}
