import { CreateJobCommand, MediaConvertClient, type CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalMediaConvert } from '../../../local/mediaconvert';

// The MediaConvert rules the split relies on, enforced at CreateJob. No job runs here
// (concurrency 0): these are about what CreateJob accepts and returns. The job is the shape the
// split sends (core/domain/transcode-job.ts), cut down to what the stand-in reads.
function localMediaConvert(now: () => Date = () => new Date()) {
  const service = new LocalMediaConvert({ s3: new S3Client({ region: 'us-east-1' }), workDir: '/nonexistent', concurrency: 0, now });
  return bindLocalService(new MediaConvertClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), service.service);
}

function job(overrides: { token?: string; start?: string; end?: string } = {}): CreateJobCommandInput {
  return {
    Role: 'arn:aws:iam::000000000000:role/mc',
    ClientRequestToken: overrides.token ?? 'a'.repeat(32),
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [
        {
          FileInput: 's3://arch/s/sections/0.m3u8',
          TimecodeSource: 'ZEROBASED',
          InputClippings: [{ StartTimecode: overrides.start ?? '00:00:01:00', EndTimecode: overrides.end ?? '00:00:04:29' }],
        },
      ],
      OutputGroups: [
        {
          OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: 's3://arch/s/out/part-0' } },
          Outputs: [
            {
              ContainerSettings: { Container: 'MP4' },
              VideoDescription: { CodecSettings: { Codec: 'H_264' } },
              AudioDescriptions: [{ CodecSettings: { Codec: 'AAC' } }],
            },
          ],
        },
      ],
    },
  };
}

describe('local MediaConvert limits', () => {
  it('returns the job a token made only within a minute of it; later the same token makes a new job', async () => {
    // "If you reuse a client request token within one minute of a successful request, the API returns
    // the job details of the original request instead": CreateJobRequest.ClientRequestToken,
    // @aws-sdk/client-mediaconvert dist-types/models/models_*.d.ts
    // (https://docs.aws.amazon.com/mediaconvert/latest/apireference/idempotency.html).
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const mediaconvert = localMediaConvert(() => new Date(clock));

    const first = await mediaconvert.send(new CreateJobCommand(job({ token: 'token-1' })));
    clock += 59_000;
    const retried = await mediaconvert.send(new CreateJobCommand(job({ token: 'token-1' })));
    clock += 2_000;
    const late = await mediaconvert.send(new CreateJobCommand(job({ token: 'token-1' })));

    expect(retried.Job!.Id).toBe(first.Job!.Id);
    expect(late.Job!.Id).not.toBe(first.Job!.Id);
  });

  it('refuses a token longer than 64 ASCII characters', async () => {
    // "A client request token can be any string that includes up to 64 ASCII characters" (same doc).
    const mediaconvert = localMediaConvert();

    const long = mediaconvert.send(new CreateJobCommand(job({ token: 'a'.repeat(65) })));
    const unicode = mediaconvert.send(new CreateJobCommand(job({ token: 'tökén' })));
    const longest = await mediaconvert.send(new CreateJobCommand(job({ token: 'a'.repeat(64) })));

    await expect(long).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(unicode).rejects.toMatchObject({ name: 'BadRequestException' });
    expect(longest.Job!.Id).toBeTruthy();
  });

  it.each(['0:00:01:00', '00:60:00:00', '25:00:00:00', '00:00:01:5', '00:00:01.00', '00:00:01'])(
    'refuses an InputClippings timecode %s as a bad request naming the field',
    async (timecode) => {
      // InputClipping.StartTimecode/EndTimecode: "Use the format HH:MM:SS:FF or HH:MM:SS;FF" (SDK model doc);
      // the service model's pattern is ^([01][0-9]|2[0-4]):[0-5][0-9]:[0-5][0-9][:;][0-9]{2}$.
      const mediaconvert = localMediaConvert();

      const start = mediaconvert.send(new CreateJobCommand(job({ start: timecode })));
      const end = mediaconvert.send(new CreateJobCommand(job({ token: 'b'.repeat(32), end: timecode })));

      await expect(start).rejects.toMatchObject({ name: 'BadRequestException' });
      await expect(start).rejects.toThrow(/inputClippings\/0\/startTimecode/);
      await expect(end).rejects.toThrow(/inputClippings\/0\/endTimecode/);
    },
  );

  it('accepts the timecodes the split plans, to the last frame of the last hour', async () => {
    const mediaconvert = localMediaConvert();

    const out = await mediaconvert.send(new CreateJobCommand(job({ start: '00:00:00:00', end: '23:59:59:29' })));

    expect(out.Job!.Status).toBe('SUBMITTED');
  });
});
