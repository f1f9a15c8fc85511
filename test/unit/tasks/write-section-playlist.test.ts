import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { ArchiveTimeline } from '../../../core/domain/archive-timeline';
import { Invalid } from '../../../core/domain/errors';
import { parseVodPlaylist } from '../../../core/domain/hls-playlist';
import { planSection } from '../../../core/domain/split-plan';
import { splitOutputs } from '../../../core/domain/split-outputs';
import { FRAME_RATES } from '../../../core/domain/timecode';
import { run } from '../../../tasks/write-section-playlist';

const s3 = mockClient(S3Client);
const deps = { s3: s3 as unknown as S3Client };
const timeline: ArchiveTimeline = {
  bucket: 'arch',
  prefix: 'a/b/',
  pipeline: 'archive_1',
  runs: [
    { first: 1, last: 1, base: 'archive_1' },
    { first: 2, last: 2, base: 'archive_2' },
    { first: 3, last: 3, base: 'archive_1' },
  ],
  segment_length: 300,
  last_duration: 61.5,
  frame_rate: FRAME_RATES['29.97'],
};

function section(start: number, end: number) {
  const [output] = splitOutputs({ archivePath: 's3://arch/a/b/', outputBucket: 'out', nameModifier: 'x', sections: [{ start, end }] });
  return planSection(timeline, output);
}

beforeEach(() => { s3.reset(); });

describe('write-section-playlist', () => {
  it('writes a strict VOD playlist of exactly the section’s segments beside them', async () => {
    s3.on(PutObjectCommand).resolves({});

    const out = await run({ timeline, section: section(250, 620) }, deps);

    expect(out).toEqual({ playlist: 's3://arch/a/b/index_x_0.m3u8', segments: 3 });
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'arch', Key: 'a/b/index_x_0.m3u8', ContentType: 'application/vnd.apple.mpegurl' });
    const playlist = parseVodPlaylist(put.Body as string);
    expect(playlist.segments.map((s) => s.uri)).toEqual(['archive_1.000001.ts', 'archive_2.000002.ts', 'archive_1.000003.ts']);
    // 8992 and 8991 frames at 29.97 fps: segments can't both be 300 s to the frame.
    expect(playlist.segments.map((s) => s.duration)).toEqual([300.033067, 299.9997, 61.494767]);
    expect(playlist).toMatchObject({ version: 3, targetDuration: 301, mediaSequence: 1 });
  });

  it('refuses a section that was planned FAILED', async () => {
    await expect(run({ timeline, section: section(900, 1000) }, deps)).rejects.toBeInstanceOf(Invalid);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
