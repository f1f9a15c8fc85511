import { archiveBucketProblem } from '../core/domain/archive-path';
import type { Config } from '../core/lambda/config';
import { badRequest } from './errors';

/**
 * A start's `path` (found at `field` of the body) must be in the deployment's archive bucket: a 400
 * naming the field, before anything is written. The schema checks its form; only the configuration
 * knows the bucket.
 */
export function requireArchiveBucket(path: string | undefined, field: string, config: Pick<Config, 'ARCHIVE_BUCKET'>): void {
  if (path === undefined) return;
  const problem = archiveBucketProblem(path, config.ARCHIVE_BUCKET);
  if (problem) throw badRequest(`${field} ${problem}`, [{ path: field, message: problem }]);
}
