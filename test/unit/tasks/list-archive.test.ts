import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Invalid, Transient } from '../../../core/domain/errors';
import { FRAME_RATES } from '../../../core/domain/timecode';
import { PROBE_BYTES } from '../../../core/aws/archive-listing';
import { run } from '../../../tasks/list-archive';
import { videoStream } from '../../fixtures/ts-bytes';

// The SDK's paginators insist on a real client instance; mockClient(S3Client) stubs every instance's send.
const s3 = mockClient(S3Client);
const deps = { s3: new S3Client({ region: 'us-east-1' }) };
const PREFIX = '2024/01/02/stream-1/';

/** A GetObject answer whose body is `bytes`, as the SDK's stream mixin would give it. */
function body(bytes: Uint8Array) {
  return { Body: { transformToByteArray: () => Promise.resolve(bytes) } as never };
}

beforeEach(() => { s3.reset(); });

describe('list-archive', () => {
  it('lists every page of the session folder, reads one pipeline filled from the other, and times it from the bytes', async () => {
    // 25 fps; segments 10 s apart; the last (counter 3) holds 62 frames.
    const first = videoStream(900_000, 3600, 40);
    const last = videoStream(900_000 + 2 * 10 * 90_000, 3600, 62);
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: [
        { Key: `${PREFIX}archive_1.000001.ts`, Size: first.length },
        { Key: `${PREFIX}archive_2.000001.ts`, Size: first.length },
        { Key: `${PREFIX}archive_2.000002.ts`, Size: 5000 },
      ],
      IsTruncated: true,
      NextContinuationToken: 'page-2',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({
      Contents: [
        { Key: `${PREFIX}archive_1.000003.ts`, Size: last.length },
        { Key: `${PREFIX}index_old_0.m3u8`, Size: 200 },
      ],
      IsTruncated: false,
    });
    s3.on(GetObjectCommand, { Key: `${PREFIX}archive_1.000001.ts` }).resolves(body(first));
    s3.on(GetObjectCommand, { Key: `${PREFIX}archive_1.000003.ts` }).resolves(body(last));

    const out = await run({ archive_path: `s3://arch/${PREFIX}` }, deps);

    expect(out).toEqual({
      timeline: {
        bucket: 'arch',
        prefix: PREFIX,
        pipeline: 'archive_1',
        runs: [
          { first: 1, last: 1, base: 'archive_1' },
          { first: 2, last: 2, base: 'archive_2' },
          { first: 3, last: 3, base: 'archive_1' },
        ],
        segment_length: 10,
        last_duration: 2.48,
        frame_rate: FRAME_RATES['25'],
      },
      gaps: [],
    });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'arch', Prefix: PREFIX, Delimiter: '/' });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Key: `${PREFIX}archive_1.000001.ts`, Range: `bytes=0-${first.length - 1}` });
  });

  it('reads only the head and tail of a large segment', async () => {
    const size = 50_000_000;
    const only = videoStream(0, 3000, 90);
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}archive_1.000007.ts`, Size: size }] });
    s3.on(GetObjectCommand).resolves(body(only));

    const out = await run({ archive_path: `s3://arch/${PREFIX.slice(0, -1)}` }, deps);

    expect(out.timeline).toMatchObject({ prefix: PREFIX, runs: [{ first: 7, last: 7, base: 'archive_1' }], last_duration: 3 });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range)).toEqual([
      `bytes=0-${PROBE_BYTES - 1}`,
      `bytes=${size - PROBE_BYTES}-${size - 1}`,
    ]);
  });

  it('reports the gaps no pipeline recorded', async () => {
    const seg = videoStream(0, 3600, 25);
    const last = videoStream(3 * 4 * 90_000, 3600, 25);
    s3.on(ListObjectsV2Command).resolves({
      Contents: [1, 4].map((c) => ({ Key: `${PREFIX}archive_1.00000${c}.ts`, Size: seg.length })),
    });
    s3.on(GetObjectCommand, { Key: `${PREFIX}archive_1.000001.ts` }).resolves(body(seg));
    s3.on(GetObjectCommand, { Key: `${PREFIX}archive_1.000004.ts` }).resolves(body(last));

    const out = await run({ archive_path: `s3://arch/${PREFIX}` }, deps);

    expect(out.gaps).toEqual([{ first_counter: 2, last_counter: 3, start: 4, end: 12 }]);
  });

  it('fails, naming the path, when the session folder holds no segments', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}notes.txt`, Size: 3 }] });

    const attempt = run({ archive_path: `s3://arch/${PREFIX}` }, deps);

    await expect(attempt).rejects.toBeInstanceOf(Invalid);
    await expect(attempt).rejects.toThrow(`no archive segments ({base}.{counter}.ts) under s3://arch/${PREFIX}`);
  });

  it('lets a failing S3 through as a retryable named error', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'oops' }),
    );

    await expect(run({ archive_path: `s3://arch/${PREFIX}` }, deps)).rejects.toBeInstanceOf(Transient);
  });
});
