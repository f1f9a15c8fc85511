import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SplitAcceptedSchema } from '../../../api/schemas';
import { SplitProgressViewSchema } from '../../../api/split-progress-schemas';
import { DOWNLOAD_URL_SECONDS } from '../../../api/download-url';
import { documentClient } from '../../../core/aws/clients/dynamodb';
import { SplitProgressStore } from '../../../core/aws/split-progress';
import { bodyOf } from '../../fixtures/api-reply';
import { ApiHarness, executionArn } from './harness';

const SESSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const ARCHIVE = 's3://fem-livestream-archive/2026/03/01/abc-1772366400/';
const LOCAL_S3 = 'http://127.0.0.1:4569';

/** The API as the cloud runs it (presigned downloads), and as the local runtime does (plain local S3 URLs). */
const cloud = new ApiHarness();
const local = new ApiHarness();
beforeAll(async () => {
  await cloud.start();
  await local.start({ PLAIN_DOWNLOAD_BASE_URL: LOCAL_S3 });
});
afterAll(async () => {
  await cloud.stop();
  await local.stop();
});
beforeEach(() => {
  cloud.resetSfn();
  local.resetSfn();
});

/** The progress table as the split workflow's record tasks write it. */
function progressOf(h: ApiHarness): SplitProgressStore {
  return new SplitProgressStore(documentClient(h.dynamo.client), 'split-progress');
}

/** A split of two sections, started through the API. */
async function aSplit(h: ApiHarness) {
  const stream = await h.seed({ archives_path: { [SESSION]: ARCHIVE } });
  const res = await h.call('POST', `/streams/${stream.id}/split`, {
    timestamp_list: [
      { start: 0, end: 90.5 },
      { start: 120, end: 600 },
    ],
    session_id: SESSION,
    name_modifier: 'day-1',
  });
  expect(res.status).toBe(202);
  return { stream, accepted: bodyOf(res, SplitAcceptedSchema) };
}

const path = (streamId: string, execution: string) => `/streams/${streamId}/splits/${encodeURIComponent(execution)}`;

describe('GET /streams/{id}/splits/{execution_id}', () => {
  it('answers from the 202 on: every section pending, no download yet', async () => {
    const { stream, accepted } = await aSplit(cloud);

    const res = await cloud.call('GET', path(stream.id, accepted.execution_id));

    expect(res.status).toBe(200);
    expect(bodyOf(res, SplitProgressViewSchema)).toEqual({
      execution_id: accepted.execution_id,
      status: 'RUNNING',
      sections: accepted.outputs.map(({ index, start, end, output }) => ({ index, start, end, output, state: 'pending' })),
    });
  });

  it('gives a done section a presigned HTTPS GET of its MP4 (cloud), a failed one its reason and no URL', async () => {
    const { stream, accepted } = await aSplit(cloud);
    await progressOf(cloud).recordSection(accepted.execution_id, { index: 0, status: 'COMPLETE' });
    await progressOf(cloud).recordSection(accepted.execution_id, { index: 1, status: 'FAILED', error: 'section 1 [120, 600]: ends after the end of the archive (300 s)' });
    await progressOf(cloud).finish(accepted.execution_id, { status: 'SUCCEEDED', outcomes: [] });

    const view = bodyOf(await cloud.call('GET', path(stream.id, accepted.execution_id)), SplitProgressViewSchema);

    expect(view.status).toBe('SUCCEEDED');
    expect(view.sections[1]).toEqual({
      index: 1,
      start: 120,
      end: 600,
      output: accepted.outputs[1].output,
      state: 'failed',
      error: 'section 1 [120, 600]: ends after the end of the archive (300 s)',
    });
    // A SigV4 query-string presigned GET: "X-Amz-Expires … the period of time … for which the
    // generated presigned URL is valid", X-Amz-Signature over the host header
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
    const url = new URL(view.sections[0].download_url!);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://fem-workshops-out.s3.us-east-1.amazonaws.com/2026/03/01/abc-1772366400/index_day-1_0.mp4');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(DOWNLOAD_URL_SECONDS));
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    // Saved under its name when a browser follows the link, not played in the tab.
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="index_day-1_0.mp4"');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    expect(view.sections[0].download_url).not.toContain('test-secret');
    expect(DOWNLOAD_URL_SECONDS).toBe(3600);
  });

  it('gives a done section a plain GET on the local S3, path-style, when the runtime is local', async () => {
    const { stream, accepted } = await aSplit(local);
    await progressOf(local).recordSection(accepted.execution_id, { index: 1, status: 'COMPLETE' });

    const view = bodyOf(await local.call('GET', path(stream.id, accepted.execution_id)), SplitProgressViewSchema);

    expect(view.status).toBe('RUNNING');
    expect(view.sections.map((s) => [s.state, s.download_url])).toEqual([
      ['pending', undefined],
      ['done', `${LOCAL_S3}/fem-workshops-out/2026/03/01/abc-1772366400/index_day-1_1.mp4`],
    ]);
  });

  it('ends the progress of an execution stopped from outside (timed out, aborted) as Step Functions says, sections done kept', async () => {
    const { stream, accepted } = await aSplit(cloud);
    await progressOf(cloud).recordSection(accepted.execution_id, { index: 0, status: 'COMPLETE' });
    const stopped = new Date('2026-03-02T12:00:00Z');
    cloud.sfnMock.on(DescribeExecutionCommand, { executionArn: accepted.execution_id }).resolves({ status: 'TIMED_OUT', stopDate: stopped });

    const view = bodyOf(await cloud.call('GET', path(stream.id, accepted.execution_id)), SplitProgressViewSchema);

    expect(view.status).toBe('TIMED_OUT');
    expect(view.sections.map((s) => [s.state, s.error])).toEqual([
      ['done', undefined],
      ['failed', 'the split execution ended TIMED_OUT before this section was cut'],
    ]);
  });

  it('keeps a running split running while Step Functions says it runs', async () => {
    const { stream, accepted } = await aSplit(cloud);
    cloud.sfnMock.on(DescribeExecutionCommand, { executionArn: accepted.execution_id }).resolves({ status: 'RUNNING' });

    const view = bodyOf(await cloud.call('GET', path(stream.id, accepted.execution_id)), SplitProgressViewSchema);

    expect(view.status).toBe('RUNNING');
    expect(view.sections.map((s) => s.state)).toEqual(['pending', 'pending']);
  });

  it('finds a split by its execution name as well as its ARN', async () => {
    const { stream, accepted } = await aSplit(cloud);
    const name = accepted.execution_id.split(':').pop()!;

    const res = await cloud.call('GET', path(stream.id, name));

    expect(res.status).toBe(200);
    expect(bodyOf(res, SplitProgressViewSchema).execution_id).toBe(accepted.execution_id);
  });

  it('404s a split it does not know, another stream’s split, and an unknown stream', async () => {
    const { stream, accepted } = await aSplit(cloud);
    const other = await cloud.seed();
    const unknown = executionArn('split', `split-${stream.id}-0123456789abcdef0123456789abcdef`);

    cloud.expectError(await cloud.call('GET', path(stream.id, unknown)), 404, 'NotFound', new RegExp(`stream ${stream.id} has no split`));
    cloud.expectError(await cloud.call('GET', path(other.id, accepted.execution_id)), 404, 'NotFound', new RegExp(`stream ${other.id} has no split`));
    cloud.expectError(await cloud.call('GET', path('0123456789abcdef0123456789abcdef', accepted.execution_id)), 404, 'NotFound');
  });

  it('400s a malformed execution id or stream id, naming the field', async () => {
    const stream = await cloud.seed();

    const bad = await cloud.call('GET', path(stream.id, 'not an execution!'));
    cloud.expectError(bad, 400, 'ValidationError');
    expect(JSON.stringify(bad.body)).toContain('path.execution_id');
    cloud.expectError(await cloud.call('GET', '/streams/nope/splits/x'), 400, 'ValidationError');
  });
});
