import * as z from '../core/domain/zod';
import { SECTION_STATES, SplitStatusSchema } from '../core/domain/split-progress';
import { schemas } from './schemas';

/** `GET /streams/{id}/splits/{execution_id}`: a split's progress, section by section (`core/domain/split-progress.ts`). */
export const SplitSectionViewSchema = z.object({
  index: z.number().check(z.int(), z.gte(0)),
  start: z.number(),
  end: z.number(),
  state: z.enum(SECTION_STATES),
  output: z.string().check(z.describe('The MP4, `s3://{workshop_output_bucket}/…`.')),
  download_url: z
    .optional(z.string())
    .check(
      z.describe(
        'Once `done`: a GET URL of the MP4. Cloud: presigned, valid 1 h (or until the signing role\'s session ends, if sooner; read the route again for a fresh one). Local: `http://127.0.0.1:{S3_PORT}/{bucket}/{key}`.',
      ),
    ),
  error: z.optional(z.string()).check(z.describe('Why a `failed` section could not be cut.')),
});

export const SplitProgressViewSchema = z.object({
  execution_id: z.string().check(z.describe('The split execution\'s ARN.')),
  status: SplitStatusSchema.check(
    z.describe(
      "The split execution's: `RUNNING` until it ends; then `SUCCEEDED` (each section done or failed), or `FAILED`, `TIMED_OUT`, `ABORTED` (the sections still pending failed with the reason).",
    ),
  ),
  sections: z.array(SplitSectionViewSchema).check(z.describe('One per `timestamp_list` item, in order.')),
});

schemas.add(SplitProgressViewSchema, { id: 'SplitProgress' });
