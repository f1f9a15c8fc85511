import { describe, expect, it } from '@jest/globals';
import type { PlannedSection } from '../../../core/domain/split-plan';
import { run } from '../../../tasks/section-failed';

const section: PlannedSection = {
  index: 2,
  start: 10,
  end: 20,
  playlist: 's3://arch/p/index_m_2.m3u8',
  output: 's3://out/p/index_m_2.mp4',
  status: 'PLANNED',
};

describe('section-failed', () => {
  it('turns a Lambda error envelope into one readable sentence, without the stack', async () => {
    const cause = JSON.stringify({ errorType: 'Invalid', errorMessage: 'MediaConvert job j ended ERROR: 1030 bad input', trace: ['at x'] });

    const out = await run({ section, failure: { Error: 'Invalid', Cause: cause } });

    expect(out).toEqual({
      index: 2,
      start: 10,
      end: 20,
      playlist: section.playlist,
      output: section.output,
      status: 'FAILED',
      error: 'section 2: Invalid: MediaConvert job j ended ERROR: 1030 bad input',
    });
  });

  it('keeps a sentence a state wrote (a deadline) as it is', async () => {
    const out = await run({ section, failure: { Error: 'Timeout', Cause: 'timed out after 14400 s waiting for section transcode COMPLETE' } });

    expect(out.error).toBe('section 2: Timeout: timed out after 14400 s waiting for section transcode COMPLETE');
  });
});
