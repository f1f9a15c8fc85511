import { CreateJobCommand, MediaConvertClient, TooManyRequestsException } from '@aws-sdk/client-mediaconvert';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveTimeline } from '../../../core/archive-timeline';
import { loadConfig } from '../../../core/config';
import { Throttled } from '../../../core/errors';
import { requestToken } from '../../../core/ids';
import { planSection } from '../../../core/split-plan';
import { splitOutputs } from '../../../core/split-outputs';
import { FRAME_RATES } from '../../../core/timecode';
import { run } from '../../../tasks/start-transcode';

const mediaconvert = mockClient(MediaConvertClient);
const config = loadConfig({ MEDIACONVERT_ROLE_ARN: 'arn:aws:iam::1:role/mc' });
const deps = { mediaconvert: mediaconvert as unknown as MediaConvertClient, config };
const timeline: ArchiveTimeline = {
  bucket: 'arch',
  prefix: 'p/',
  pipeline: 'archive_1',
  runs: [{ first: 1, last: 2, base: 'archive_1' }],
  segment_length: 300,
  last_duration: 300,
  frame_rate: FRAME_RATES['25'],
};
const [output0, output1] = splitOutputs({
  archivePath: 's3://arch/p/',
  outputBucket: 'out',
  nameModifier: 'm',
  sections: [
    { start: 310.5, end: 320 },
    { start: 0, end: 1 },
  ],
});
const section = planSection(timeline, { ...output0!, index: 1 });

beforeEach(() => mediaconvert.reset());

describe('start-transcode', () => {
  it('creates the section’s job: HLS input clipped on zero-based timecode, MP4 to the output, an idempotency token', async () => {
    mediaconvert.on(CreateJobCommand).resolves({ Job: { Id: 'job-7', Role: 'r', Settings: {} } });

    const out = await run({ stream_id: 's1', section, execution_name: 'split-s1-abc' }, deps);

    expect(out).toEqual({ job_id: 'job-7' });
    const job = mediaconvert.commandCalls(CreateJobCommand)[0]!.args[0].input;
    expect(job.ClientRequestToken).toBe(requestToken('split-s1-abc', 'section-1'));
    expect(job.Role).toBe('arn:aws:iam::1:role/mc');
    expect(job.Settings?.Inputs?.[0]).toMatchObject({
      FileInput: 's3://arch/p/index_m_0.m3u8',
      TimecodeSource: 'ZEROBASED',
      InputClippings: [{ StartTimecode: '00:00:10:12', EndTimecode: '00:00:19:24' }],
    });
    const group = job.Settings?.OutputGroups?.[0];
    expect(group?.OutputGroupSettings?.FileGroupSettings?.Destination).toBe('s3://out/p/index_m_0');
    expect(group?.Outputs?.[0]).toMatchObject({
      ContainerSettings: { Container: 'MP4' },
      VideoDescription: { CodecSettings: { Codec: 'H_264' } },
      AudioDescriptions: [{ CodecSettings: { Codec: 'AAC' } }],
    });
  });

  it('gives each section its own token and the same token on a retry', async () => {
    mediaconvert.on(CreateJobCommand).resolves({ Job: { Id: 'j', Role: 'r', Settings: {} } });
    const other = planSection(timeline, { ...output1!, index: 0 });

    await run({ stream_id: 's1', section, execution_name: 'e' }, deps);
    await run({ stream_id: 's1', section, execution_name: 'e' }, deps);
    await run({ stream_id: 's1', section: other, execution_name: 'e' }, deps);

    const tokens = mediaconvert.commandCalls(CreateJobCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('lets throttling through as a retryable named error', async () => {
    mediaconvert.on(CreateJobCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));

    await expect(run({ stream_id: 's1', section, execution_name: 'e' }, deps)).rejects.toBeInstanceOf(Throttled);
  });

  it('says which setting is missing without a MediaConvert role', async () => {
    await expect(run({ stream_id: 's1', section, execution_name: 'e' }, { ...deps, config: loadConfig({}) })).rejects.toThrow(
      'missing configuration: MEDIACONVERT_ROLE_ARN is not set',
    );
    expect(mediaconvert).not.toHaveReceivedCommand(CreateJobCommand);
  });
});
