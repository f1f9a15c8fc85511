import { GetJobCommand, MediaConvertClient, NotFoundException } from '@aws-sdk/client-mediaconvert';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Invalid, NotFound } from '../../../core/errors';
import { run } from '../../../tasks/describe-transcode';

const mediaconvert = mockClient(MediaConvertClient);
const now = new Date('2026-01-01T00:00:10Z');
const deps = { mediaconvert: mediaconvert as unknown as MediaConvertClient, now: () => now };
const poll = { deadline_seconds: 14400, initial_wait_seconds: 10, max_wait_seconds: 60, attempt: 1, started_at: '2026-01-01T00:00:00Z' };

beforeEach(() => mediaconvert.reset());

describe('describe-transcode', () => {
  it('reports the job status and progress with the next backoff', async () => {
    mediaconvert.on(GetJobCommand, { Id: 'job-1' }).resolves({ Job: { Status: 'PROGRESSING', JobPercentComplete: 42, Role: 'r', Settings: {} } });

    const out = await run({ job_id: 'job-1', poll }, deps);

    expect(out).toMatchObject({ status: 'PROGRESSING', percent_complete: 42, attempt: 2, wait_seconds: 20, expired: false });
  });

  it('reports COMPLETE', async () => {
    mediaconvert.on(GetJobCommand).resolves({ Job: { Status: 'COMPLETE', Role: 'r', Settings: {} } });

    expect((await run({ job_id: 'job-1', poll }, deps)).status).toBe('COMPLETE');
  });

  it.each([
    ['ERROR', { ErrorCode: 1030, ErrorMessage: 'Unable to open input file' }, 'MediaConvert job job-1 ended ERROR: 1030 Unable to open input file'],
    ['CANCELED', {}, 'MediaConvert job job-1 ended CANCELED'],
  ])('fails the step with MediaConvert’s reason when the job ended %s', async (status, extra, message) => {
    mediaconvert.on(GetJobCommand).resolves({ Job: { Status: status as never, Role: 'r', Settings: {}, ...extra } });

    const attempt = run({ job_id: 'job-1', poll }, deps);

    await expect(attempt).rejects.toBeInstanceOf(Invalid);
    await expect(attempt).rejects.toThrow(message);
  });

  it('reports a job that does not exist as NotFound', async () => {
    mediaconvert.on(GetJobCommand).rejects(new NotFoundException({ message: 'no job', $metadata: { httpStatusCode: 404 } }));

    await expect(run({ job_id: 'job-1', poll }, deps)).rejects.toBeInstanceOf(NotFound);
  });
});
