import { describe, expect, it } from '@jest/globals';
import { requestToken } from '../../../core/domain/ids';
import { planSection } from '../../../core/domain/split-plan';
import { splitOutputs } from '../../../core/domain/split-outputs';
import { run } from '../../../tasks/prepare-transcode';
import { anArchiveTimeline } from '../../fixtures/archive-timeline';

const timeline = anArchiveTimeline(2);
const [output0, output1] = splitOutputs({
  archivePath: 's3://arch/p/',
  outputBucket: 'out',
  nameModifier: 'm',
  sections: [
    { start: 310.5, end: 320 },
    { start: 0, end: 1 },
  ],
});
const section = planSection(timeline, { ...output0, index: 1 });

describe('prepare-transcode', () => {
  it('builds the section’s job: HLS input clipped on zero-based timecode, MP4 to the output, an idempotency token', async () => {
    const job = await run({ stream_id: 's1', section, execution_name: 'split-s1-abc' });

    expect(job.ClientRequestToken).toBe(requestToken('split-s1-abc', 'section-1'));
    expect(job.UserMetadata).toEqual({ stream_id: 's1', section: '1' });
    // The workflow's .sync state names the role; the request carries none.
    expect(job).not.toHaveProperty('Role');
    expect(job.Settings.Inputs?.[0]).toMatchObject({
      FileInput: 's3://arch/p/index_m_0.m3u8',
      TimecodeSource: 'ZEROBASED',
      InputClippings: [{ StartTimecode: '00:00:10:12', EndTimecode: '00:00:19:24' }],
    });
    const group = job.Settings.OutputGroups?.[0];
    expect(group?.OutputGroupSettings?.FileGroupSettings?.Destination).toBe('s3://out/p/index_m_0');
    expect(group?.Outputs?.[0]).toMatchObject({
      ContainerSettings: { Container: 'MP4' },
      VideoDescription: { CodecSettings: { Codec: 'H_264' } },
      AudioDescriptions: [{ CodecSettings: { Codec: 'AAC' } }],
    });
  });

  it('gives each section its own token and the same token on a retry', async () => {
    const other = planSection(timeline, { ...output1, index: 0 });

    const first = await run({ stream_id: 's1', section, execution_name: 'e' });
    const again = await run({ stream_id: 's1', section, execution_name: 'e' });
    const second = await run({ stream_id: 's1', section: other, execution_name: 'e' });

    expect(again.ClientRequestToken).toBe(first.ClientRequestToken);
    expect(second.ClientRequestToken).not.toBe(first.ClientRequestToken);
  });
});
