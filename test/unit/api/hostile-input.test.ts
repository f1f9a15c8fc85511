import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_ARCHIVE_PREFIX_BYTES } from '../../../core/domain/archive-path';
import { errorOf, recordOf, type Reply } from '../../fixtures/api-reply';
import { ApiHarness, NOW } from './harness';

/**
 * Input an attacker or a careless client sends: each is a 4xx in the error shape of
 * `docs/API.md`, naming what is wrong, and changes nothing.
 */
const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const ARCHIVE = 'fem-livestream-archive';
const inAMinute = new Date(NOW.getTime() + 60_000).toISOString();
const fields = (res: Reply) => errorOf(res).details?.map((d) => d.path);

describe('a start path outside the archive', () => {
  it.each([
    `s3://${ARCHIVE}/../../../x/`,
    `s3://${ARCHIVE}/a/../../x/`,
    `s3://${ARCHIVE}/./x/`,
    `s3://${ARCHIVE}/a/..`,
    `s3://${ARCHIVE}/..`,
    `s3://${ARCHIVE}//x/`,
    `s3://${ARCHIVE}/a\u0000b/`,
    `s3://${ARCHIVE}/a\nb/`,
    `s3://${ARCHIVE}/%2e%2e/x/`,
    `s3://${ARCHIVE}/${'a/'.repeat(MAX_ARCHIVE_PREFIX_BYTES / 2 + 1)}`,
    's3://other-bucket/talks/',
    's3://fem-livestream-archive-2/talks/',
  ])('400s %j naming path, and starts nothing', async (path) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/start`, { path });

    h.expectError(res, 400, 'ValidationError');
    expect(fields(res)).toEqual(['path']);
    await h.expectUnchanged(stream);
  });

  it('accepts a clean prefix of the archive bucket of the longest allowed length', async () => {
    const stream = await h.seed();
    const prefix = `${'a'.repeat(MAX_ARCHIVE_PREFIX_BYTES - 1)}/`;

    const res = await h.call('POST', `/streams/${stream.id}/start`, { path: `s3://${ARCHIVE}/${prefix}` });

    expect(res.status).toBe(202);
    expect(recordOf(res).archives_path[String(recordOf(res).current_session_id)]).toBe(`s3://${ARCHIVE}/${prefix}`);
  });

  it.each([`s3://${ARCHIVE}/../x/`, 's3://other-bucket/talks/'])(
    'refuses %j as a schedule start_options.path, scheduling nothing',
    async (path) => {
      const stream = await h.seed();

      const res = await h.call('POST', `/streams/${stream.id}/schedules`, { action: 'start', at: inAMinute, start_options: { path } });

      h.expectError(res, 400, 'ValidationError');
      expect(fields(res)).toEqual(['start_options.path']);
      expect(h.schedulerMock.commandCalls(CreateScheduleCommand)).toEqual([]);
      await h.expectUnchanged(stream);
    },
  );
});

describe('a session id that names a property of every object', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('422s split of session %j', async (session) => {
    const stream = await h.seed({ archives_path: { s1: `s3://${ARCHIVE}/s1/` } });

    const res = await h.call('POST', `/streams/${stream.id}/split`, { timestamp_list: [{ start: 0, end: 1 }], session_id: session });

    h.expectError(res, 422, 'Unprocessable', /is not in the archives_path/);
    await h.expectUnchanged(stream);
  });
});

describe('cross-site requests (Content-Type)', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx'])(
    '415s a write with Content-Type %s, changing nothing',
    async (type) => {
      const stream = await h.seed();

      const res = await h.call('POST', `/streams/${stream.id}/start`, '{}', { 'Content-Type': type });

      h.expectError(res, 415, 'UnsupportedMediaType', /application\/json/);
      await h.expectUnchanged(stream);
    },
  );

  it('415s a form-typed write without a body (a cross-site <form> POST)', async () => {
    const stream = await h.seed({ state: 'running' });

    const res = await h.call('POST', `/streams/${stream.id}/stop`, undefined, { 'Content-Type': 'application/x-www-form-urlencoded' });

    h.expectError(res, 415, 'UnsupportedMediaType');
    await h.expectUnchanged(stream);
  });

  it('415s a body sent without any Content-Type', async () => {
    const stream = await h.seed();
    const res = await h.api.handle({ httpMethod: 'POST', path: `/streams/${stream.id}/start`, headers: {}, body: '{}', isBase64Encoded: false });
    expect(res.statusCode).toBe(415);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'UnsupportedMediaType', message: expect.stringMatching(/application\/json/) } });
    await h.expectUnchanged(stream);
  });

  it('takes application/json with parameters in any case, and a bodiless write without the header', async () => {
    const stream = await h.seed();
    const started = await h.call('POST', `/streams/${stream.id}/start`, '{}', { 'Content-Type': 'Application/JSON; charset=utf-8' });
    const stopped = await h.api.handle({ httpMethod: 'POST', path: `/streams/${stream.id}/stop`, headers: {}, body: null, isBase64Encoded: false });
    expect(started.status).toBe(202);
    expect(stopped.statusCode).toBe(202);
  });
});

describe('a JSON null body', () => {
  it.each([
    ['POST', '/start'],
    ['POST', '/stop'],
    ['POST', '/split'],
    ['DELETE', ''],
  ])('is a body, not its absence: %s {id}%s 400s it and changes nothing', async (method, suffix) => {
    const stream = await h.seed({ state: 'running' });

    const res = await h.call(method, `/streams/${stream.id}${suffix}`, 'null');

    h.expectError(res, 400, 'ValidationError');
    await h.expectUnchanged(stream);
  });

  it('a blank body on a bodiless or optional-body route is no body', async () => {
    const stream = await h.seed();
    expect((await h.call('POST', `/streams/${stream.id}/start`, '  ')).status).toBe(202);
  });
});

describe('path parameters', () => {
  it.each(['.', '..', '%2e', 'constructor', '__proto__', 'A'.repeat(32), '0'.repeat(31), `${'0'.repeat(32)}%00`])(
    '400s the stream id %j naming id',
    async (id) => {
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', ''],
        ['POST', '/start'],
        ['GET', '/executions'],
      ] as const) {
        const res = await h.call(method, `/streams/${id}${suffix}`, method === 'POST' ? {} : undefined);
        h.expectError(res, 400, 'ValidationError');
        expect(fields(res)).toEqual(['path.id']);
      }
    },
  );

  // Step Functions names are 1–80 chars without white space, brackets, wildcards, `"#%\\^|~\`$&,;:/`
  // or control characters (StartExecutionInput.name, @aws-sdk/client-sfn dist-types/models/models_0.d.ts).
  it.each(['x'.repeat(81), 'a b', 'a/b', '../x', 'a\u0000b', 'arn:aws:states:us-east-1:0:execution:m:../../x'])(
    '400s the execution id %j naming execution_id',
    async (executionId) => {
      const stream = await h.seed();
      const res = await h.call('GET', `/streams/${stream.id}/executions/${encodeURIComponent(executionId)}`);
      h.expectError(res, 400, 'ValidationError');
      expect(fields(res)).toEqual(['path.execution_id']);
    },
  );

  it.each(['constructor', '__proto__', '.'])('404s the execution id %j, a valid name the stream does not have', async (executionId) => {
    const stream = await h.seed();
    h.expectError(await h.call('GET', `/streams/${stream.id}/executions/${executionId}`), 404, 'NotFound');
  });

  it.each(['constructor', '__proto__', '.'])('400s the schedule id %j naming schedule_id', async (scheduleId) => {
    const stream = await h.seed();
    const res = await h.call('DELETE', `/streams/${stream.id}/schedules/${scheduleId}`);
    h.expectError(res, 400, 'ValidationError');
    expect(fields(res)).toEqual(['path.schedule_id']);
    await h.expectUnchanged(stream);
  });
});
