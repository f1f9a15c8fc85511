import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PUBLIC_FIELDS } from '../../../core/domain/record';
import { StreamListSchema } from '../../../api/schemas';
import { bodyOf, errorOf, recordOf } from '../../fixtures/api-reply';
import { ApiHarness, executionArn } from './harness';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

describe('GET /streams', () => {
  it('lists public records, newest last_update first', async () => {
    const newer = await h.seed({ name: 'newer' });
    const older = await h.seed({ name: 'older' });
    await h.store.mutate(newer.id, () => ({ description: 'touched last' }));

    const res = await h.call('GET', '/streams');

    expect(res.status).toBe(200);
    const ids = bodyOf(res, StreamListSchema).map((s) => s.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    for (const record of bodyOf(res, StreamListSchema)) expect(Object.keys(record).sort()).toEqual([...PUBLIC_FIELDS].sort());
  });
});

describe('GET /streams/{id}', () => {
  it('returns the public record', async () => {
    const stream = await h.seed();

    const res = await h.call('GET', `/streams/${stream.id}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: stream.id, name: 'workshop', state: 'idle', rtmp1: stream.rtmp1 });
    expect(res.body).not.toHaveProperty('execution_arns');
    expect(res.body).not.toHaveProperty('claimed_by');
  });

  it('404s an unknown stream and 400s a malformed id', async () => {
    h.expectError(await h.call('GET', `/streams/${'0'.repeat(32)}`), 404, 'NotFound');
    const bad = await h.call('GET', '/streams/NOT-AN-ID');
    h.expectError(bad, 400, 'ValidationError');
    expect(errorOf(bad).details).toEqual([{ path: 'path.id', message: 'must be 32 lowercase hex chars' }]);
  });
});

describe('POST /streams', () => {
  it('writes the record in creating, starts the create workflow, and answers 201 once it is idle', async () => {
    h.sfnMock.on(DescribeExecutionCommand).callsFake(async (input: { executionArn: string }) => {
      // The workflow finishes: the stream is idle.
      const id = /create-([0-9a-f]{32})-v1$/.exec(input.executionArn)![1];
      await h.store.mutate(id, () => ({ state: 'idle', claimed_by: null }));
      return { status: 'SUCCEEDED' };
    });

    const res = await h.call('POST', '/streams', { name: 'Workshop', description: 'Intro', segment_length: 120 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Workshop', description: 'Intro', segment_length: 120, state: 'idle' });
    const id = recordOf(res).id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const [start] = h.startCalls();
    expect(start).toEqual({
      stateMachineArn: expect.stringContaining('fm-create'),
      name: `create-${id}-v1`,
      input: JSON.stringify({ stream_id: id, name: 'Workshop', segment_length: 120 }),
    });
    const stored = await h.store.get(id);
    expect(stored?.execution_arns).toEqual([executionArn('create', `create-${id}-v1`)]);
  });

  it('answers 202 with the record in creating when the workflow is still running', async () => {
    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    const res = await h.call('POST', '/streams', { name: 'Slow' });

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ name: 'Slow', description: '', segment_length: 300, state: 'creating' });
    expect((await h.store.get(recordOf(res).id))?.claimed_by).toBe(`create-${recordOf(res).id}-v1`);
  });

  it('answers 500 naming the stream when the create workflow failed', async () => {
    h.sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      error: 'Invalid',
      cause: JSON.stringify({ errorMessage: 'creating MediaLive input: quota', stackTrace: ['at secret.ts:1'] }),
    });

    const res = await h.call('POST', '/streams', { name: 'Doomed' });

    h.expectError(res, 500, 'InternalError', /create workflow of stream [0-9a-f]{32} ended FAILED: creating MediaLive input: quota .*request id req-1/);
    expect(errorOf(res).message).not.toContain('stackTrace');
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(129) }, 'name'],
    [{ name: 'ok', description: 'd'.repeat(1025) }, 'description'],
    [{ name: 'ok', segment_length: 0 }, 'segment_length'],
    [{ name: 'ok', segment_length: 3601 }, 'segment_length'],
    [{ name: 'ok', segment_length: 1.5 }, 'segment_length'],
    [{ name: 'ok', colour: 'red' }, 'colour'],
  ])('400s %j naming %s, and writes nothing', async (body, field) => {
    const before = (await h.store.list()).length;

    const res = await h.call('POST', '/streams', body);

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    expect((await h.store.list()).length).toBe(before);
    expect(h.startCalls()).toEqual([]);
  });

  it('400s a missing body', async () => {
    h.expectError(await h.call('POST', '/streams'), 400, 'ValidationError', /request body is required/);
  });
});

describe('POST /streams/{id} (update)', () => {
  it('applies name, description and segment_length, runs the update workflow, and answers 200', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, { name: 'Renamed', segment_length: 60, version: stream.version });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', segment_length: 60, description: '' });
    expect(h.startCalls()).toEqual([
      {
        stateMachineArn: expect.stringContaining('fm-update'),
        name: `update-${stream.id}-v${stream.version + 1}`,
        input: JSON.stringify({ stream_id: stream.id }),
      },
    ]);
  });

  it('accepts the whole record sent back with read-only fields unchanged', async () => {
    const stream = await h.seed();
    const got = recordOf(await h.call('GET', `/streams/${stream.id}`));

    const res = await h.call('POST', `/streams/${stream.id}`, { ...got, description: 'New words' });

    expect(res.status).toBe(200);
    expect(recordOf(res).description).toBe('New words');
  });

  it('changes nothing and starts nothing when nothing differs', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, { name: 'workshop' });

    expect(res.status).toBe(200);
    await h.expectUnchanged(stream);
  });

  it('answers 202 when the update workflow is still running', async () => {
    const stream = await h.seed();
    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    const res = await h.call('POST', `/streams/${stream.id}`, { name: 'Later' });

    expect(res.status).toBe(202);
    expect(recordOf(res).name).toBe('Later');
  });

  it('409s a stale version and changes nothing', async () => {
    const seeded = await h.seed();
    const stream = await h.store.update(seeded.id, seeded.version, { description: 'someone else' });

    const res = await h.call('POST', `/streams/${stream.id}`, { name: 'Late', version: seeded.version });

    h.expectError(res, 409, 'StateConflict', /changed since it was read/);
    await h.expectUnchanged(stream);
  });

  it('400s read-only fields sent with another value, naming each, and changes nothing', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, { name: 'x', state: 'running', rtmp1: 'rtmp://evil/app/k' });

    h.expectError(res, 400, 'ValidationError', /read-only fields rtmp1, state cannot be changed/);
    expect(errorOf(res).details).toEqual([
      { path: 'rtmp1', message: 'read-only: must equal the stored value' },
      { path: 'state', message: 'read-only: must equal the stored value' },
    ]);
    await h.expectUnchanged(stream);
  });

  it.each([
    [{ colour: 'red' }, 'colour'],
    [{ name: '' }, 'name'],
    [{ segment_length: 4000 }, 'segment_length'],
    [{ started: 'yes' }, 'started'],
  ])('400s %j and changes nothing', async (body, field) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, body);

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toEqual([field]);
    await h.expectUnchanged(stream);
  });

  it('404s an unknown stream', async () => {
    h.expectError(await h.call('POST', `/streams/${'a'.repeat(32)}`, { name: 'x' }), 404, 'NotFound');
    expect(h.startCalls()).toEqual([]);
  });
});
