import * as z from './zod';
import { normalizeArchivePath, parseArchivePath } from './archive-path';

/** One planned section of a split: its playlist next to the session's segments and its MP4. */
export const SplitOutputSchema = z.object({
  index: z.number().check(z.int(), z.gte(0)),
  start: z.number(),
  end: z.number(),
  playlist: z.string().check(z.describe('`{archive prefix}index_{name_modifier}_{n}.m3u8`')),
  output: z.string().check(z.describe('`s3://{workshop_output_bucket}/{archive key prefix}index_{name_modifier}_{n}.mp4`')),
});
export type SplitOutput = z.infer<typeof SplitOutputSchema>;

/**
 * Where each section of a split goes. Section `n`'s VOD playlist sits beside the session's `.ts`
 * segments; its MP4 goes to the workshop output bucket under the same key prefix, so outputs
 * mirror the archive's layout (as in the system this one replaces). One rule for the API's 202 and
 * the workflow.
 */
export function splitOutputs(args: {
  archivePath: string;
  outputBucket: string;
  nameModifier: string;
  sections: readonly { start: number; end: number }[];
}): SplitOutput[] {
  const archive = normalizeArchivePath(args.archivePath);
  const { prefix } = parseArchivePath(archive);
  return args.sections.map(({ start, end }, index) => {
    const base = `index_${args.nameModifier}_${index}`;
    return {
      index,
      start,
      end,
      playlist: `${archive}${base}.m3u8`,
      output: `s3://${args.outputBucket}/${prefix}${base}.mp4`,
    };
  });
}
