import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { FRAME_RATES } from '../../../core/domain/timecode';
import { run } from '../../../tasks/plan-split';
import { anArchiveTimeline } from '../../fixtures/archive-timeline';

const timeline = anArchiveTimeline(3, { last_duration: 100, frame_rate: FRAME_RATES['30'] });

describe('plan-split', () => {
  it('plans each section under the names the API answered, and plans the impossible ones FAILED', async () => {
    const config = loadConfig({ WORKSHOP_OUTPUT_BUCKET: 'workshops' });

    const out = await run(
      { archive_path: 's3://arch/p/', name_modifier: 'day1', timestamp_list: [{ start: 290, end: 310 }, { start: 650, end: 800 }], timeline },
      { config },
    );

    expect(out.sections).toEqual([
      expect.objectContaining({
        index: 0,
        status: 'PLANNED',
        playlist: 's3://arch/p/index_day1_0.m3u8',
        output: 's3://workshops/p/index_day1_0.mp4',
        first_counter: 1,
        last_counter: 2,
        clip: { start_frame: 8700, end_frame: 9299, start_timecode: '00:04:50:00', end_timecode: '00:05:09:29' },
      }),
      expect.objectContaining({
        index: 1,
        status: 'FAILED',
        playlist: 's3://arch/p/index_day1_1.m3u8',
        error: 'section 1 [650, 800]: ends after the end of the archive (700 s)',
      }),
    ]);
  });
});
