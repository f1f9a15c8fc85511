import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultArchivePath, sessionIdFor } from '../../../core/domain/archive-path';
import type { StreamState } from '../../../core/domain/record';
import { StartOptionsSchema } from '../../../core/domain/archive-path';
import { errorOf, recordOf } from '../../fixtures/api-reply';
import { ApiHarness, NOW, executionArn } from './harness';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const UNKNOWN = 'b'.repeat(32);

describe('POST /streams/{id}/start', () => {
  it('claims the stream into starting with the new session recorded, starts the workflow, answers 202', async () => {
    const stream = await h.seed({ archives_path: { old: 's3://b/old/' } });
    const name = `start-${stream.id}-v${stream.version + 1}`;
    const session = sessionIdFor(name);

    const res = await h.call('POST', `/streams/${stream.id}/start`, {
      path: 's3://fem-livestream-archive/workshops/day1',
      startover_window_seconds: 600,
      key_rotation_interval: 0,
    });

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      state: 'starting',
      started: true,
      current_session_id: session,
      archives_path: { old: 's3://b/old/', [session]: 's3://fem-livestream-archive/workshops/day1/' },
      startover_window_seconds: 600,
      key_rotation_interval: 0,
    });
    expect(h.startCalls()).toEqual([
      {
        stateMachineArn: expect.stringContaining('fm-start'),
        name,
        input: JSON.stringify({
          stream_id: stream.id,
          session_id: session,
          path: 's3://fem-livestream-archive/workshops/day1/',
          startover_window_seconds: 600,
          key_rotation_interval: 0,
        }),
      },
    ]);
    const stored = await h.store.get(stream.id);
    expect(stored).toMatchObject({ claimed_by: name, execution_arns: [executionArn('start', name)] });
  });

  it('takes no body as the defaults: dated path in the archive bucket, 3600 s window, 60 s rotation', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/start`);

    expect(res.status).toBe(202);
    const input = StartOptionsSchema.parse(JSON.parse(h.startCalls()[0].input!));
    expect(input).toMatchObject({
      path: defaultArchivePath('fem-livestream-archive', stream.id, NOW),
      startover_window_seconds: 3600,
      key_rotation_interval: 60,
    });
    expect(recordOf(res).archives_path[String(recordOf(res).current_session_id)]).toBe(input.path);
  });

  it.each(['starting', 'running', 'stopping', 'creating', 'deleting', 'failed'] as StreamState[])(
    '409s a stream in %s, naming the state, and changes nothing',
    async (state) => {
      const stream = await h.seed({ state });

      const res = await h.call('POST', `/streams/${stream.id}/start`, {});

      h.expectError(res, 409, 'StateConflict', new RegExp(`cannot start a stream in state '${state}'`));
      await h.expectUnchanged(stream);
    },
  );

  it.each([
    [{ path: 'http://bucket/x/' }, 'path'],
    [{ path: 's3://B/x/' }, 'path'],
    [{ startover_window_seconds: -1 }, 'startover_window_seconds'],
    [{ startover_window_seconds: 1_209_601 }, 'startover_window_seconds'],
    [{ startover_window_seconds: 1.5 }, 'startover_window_seconds'],
    [{ key_rotation_interval: 30 }, 'key_rotation_interval'],
    [{ key_rotation_interval: 86_401 }, 'key_rotation_interval'],
    [{ speed: 2 }, 'speed'],
  ])('400s %j naming %s and changes nothing', async (body, field) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/start`, body);

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toEqual([field]);
    await h.expectUnchanged(stream);
  });

  it('404s an unknown stream', async () => {
    h.expectError(await h.call('POST', `/streams/${UNKNOWN}/start`), 404, 'NotFound');
    expect(h.startCalls()).toEqual([]);
  });

  it('undoes the claim and answers 500 with the request id when the workflow cannot be started', async () => {
    const stream = await h.seed();
    h.sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('boom with rtmp://h:1/app/SECRETKEY'), { name: 'ServiceUnavailable', $fault: 'server' }));

    const res = await h.call('POST', `/streams/${stream.id}/start`);

    h.expectError(res, 500, 'InternalError', /could not start the start workflow \(request id req-1\)/);
    expect(JSON.stringify(res.body)).not.toContain('SECRETKEY');
    const stored = await h.store.get(stream.id);
    const { version: _v, last_update: _l, ...rest } = stored!;
    const { version: _bv, last_update: _bl, ...restBefore } = stream;
    expect(rest).toEqual(restBefore);
  });

  it('adopts an execution that already exists under its name instead of failing', async () => {
    const stream = await h.seed();
    h.sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));

    const res = await h.call('POST', `/streams/${stream.id}/start`);

    expect(res.status).toBe(202);
    const stored = await h.store.get(stream.id);
    expect(stored?.execution_arns).toEqual([executionArn('start', `start-${stream.id}-v${stream.version + 1}`)]);
  });
});

describe('POST /streams/{id}/stop', () => {
  it.each(['starting', 'running'] as StreamState[])('claims a %s stream into stopping and answers 202', async (state) => {
    const stream = await h.seed({ state, started: true });

    const res = await h.call('POST', `/streams/${stream.id}/stop`);

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'stopping', started: false });
    expect(h.startCalls()).toEqual([
      // The stop says it is the operator's (stop_reason, issue 13).
      {
        stateMachineArn: expect.stringContaining('fm-stop'),
        name: `stop-${stream.id}-v${stream.version + 1}`,
        input: JSON.stringify({ stream_id: stream.id, reason: 'operator' }),
      },
    ]);
  });

  it.each(['idle', 'stopping', 'creating', 'deleting', 'failed'] as StreamState[])('409s a stream in %s', async (state) => {
    const stream = await h.seed({ state });

    h.expectError(await h.call('POST', `/streams/${stream.id}/stop`), 409, 'StateConflict', new RegExp(`'${state}'`));
    await h.expectUnchanged(stream);
  });

  it('400s a body on a route that takes none, and 404s an unknown stream', async () => {
    const stream = await h.seed({ state: 'running' });
    const res = await h.call('POST', `/streams/${stream.id}/stop`, { force: true });
    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details).toEqual([{ path: 'force', message: 'unknown field' }]);
    await h.expectUnchanged(stream);
    h.expectError(await h.call('POST', `/streams/${UNKNOWN}/stop`), 404, 'NotFound');
  });

  it('accepts no body or an empty object (a JSON null is a body, not an object: 400)', async () => {
    const a = await h.seed({ state: 'running' });
    const b = await h.seed({ state: 'running' });
    expect((await h.call('POST', `/streams/${a.id}/stop`, {})).status).toBe(202);
    expect((await h.call('POST', `/streams/${b.id}/stop`)).status).toBe(202);
  });
});

describe('DELETE /streams/{id}', () => {
  it.each(['idle', 'running', 'failed'] as StreamState[])('claims a %s stream into deleting and answers 202', async (state) => {
    const stream = await h.seed({ state });

    const res = await h.call('DELETE', `/streams/${stream.id}`);

    expect(res.status).toBe(202);
    expect(recordOf(res).state).toBe('deleting');
    expect(h.startCalls()[0]).toMatchObject({ name: `delete-${stream.id}-v${stream.version + 1}` });
  });

  // A stream already `deleting` is answered 202 (see launch-concurrency.test.ts): the state rules' 409 (`core/domain/transitions.ts`) is for `creating` only.
  it('409s a stream in creating', async () => {
    const stream = await h.seed({ state: 'creating' });

    h.expectError(await h.call('DELETE', `/streams/${stream.id}`), 409, 'StateConflict', /'creating'/);
    await h.expectUnchanged(stream);
  });

  it('404s an unknown stream and 400s a malformed id', async () => {
    h.expectError(await h.call('DELETE', `/streams/${UNKNOWN}`), 404, 'NotFound');
    h.expectError(await h.call('DELETE', '/streams/xyz'), 400, 'ValidationError');
    expect(h.startCalls()).toEqual([]);
  });
});

describe('POST /streams/{id}/live and DELETE /streams/{id}/live', () => {
  it('starts live, waits for it, and answers 204', async () => {
    const stream = await h.seed({ state: 'running' });

    const res = await h.call('POST', `/streams/${stream.id}/live`);

    expect(res).toMatchObject({ status: 204, body: undefined });
    expect(h.startCalls()).toEqual([
      { stateMachineArn: expect.stringContaining('fm-live'), name: `live-${stream.id}-v${stream.version + 1}`, input: JSON.stringify({ stream_id: stream.id }) },
    ]);
    expect(h.sfnMock.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([
      executionArn('live', `live-${stream.id}-v${stream.version + 1}`),
    ]);
  });

  it('answers 202 with the record when live takes longer than API_WAIT_SECONDS', async () => {
    const stream = await h.seed();
    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    const res = await h.call('POST', `/streams/${stream.id}/live`);

    expect(res.status).toBe(202);
    expect(recordOf(res).id).toBe(stream.id);
  });

  it('409s when the live workflow found the state against it, 500s any other failure', async () => {
    const stream = await h.seed();
    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'StreamStateConflict', cause: "cannot live a stream in state 'deleting'" });
    h.expectError(await h.call('POST', `/streams/${stream.id}/live`), 409, 'StateConflict', /state 'deleting'/);

    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT' });
    h.expectError(await h.call('POST', `/streams/${stream.id}/live`), 500, 'InternalError', /live workflow .* ended TIMED_OUT/);
  });

  it.each(['creating', 'deleting'] as StreamState[])('409s live for a stream in %s', async (state) => {
    const stream = await h.seed({ state });

    h.expectError(await h.call('POST', `/streams/${stream.id}/live`), 409, 'StateConflict', new RegExp(`'${state}'`));
    await h.expectUnchanged(stream);
  });

  it.each(['creating', 'deleting', 'idle'] as StreamState[])('unlives a stream in %s with 204', async (state) => {
    const stream = await h.seed({ state, live: true });

    const res = await h.call('DELETE', `/streams/${stream.id}/live`);

    expect(res.status).toBe(204);
    expect(h.startCalls()).toEqual([expect.objectContaining({ name: `unlive-${stream.id}-v${stream.version + 1}` })]);
  });

  it('404s and 400s without starting anything', async () => {
    h.expectError(await h.call('POST', `/streams/${UNKNOWN}/live`), 404, 'NotFound');
    h.expectError(await h.call('DELETE', `/streams/${UNKNOWN}/live`), 404, 'NotFound');
    const stream = await h.seed();
    h.expectError(await h.call('POST', `/streams/${stream.id}/live`, { on: true }), 400, 'ValidationError');
    h.expectError(await h.call('DELETE', `/streams/${stream.id}/live`, { on: false }), 400, 'ValidationError');
    await h.expectUnchanged(stream);
  });
});

describe('connectors: chime_start, chime_stop, ivs_start, ivs_stop', () => {
  const chimeUrl = 'https://meet.example.com/Prod/v2?m=workshop';

  it.each([
    ['chime_start', 'medialive'],
    ['ivs_start', 'ivs'],
  ] as const)('%s records a starting %s connector, starts the workflow with the URL, answers 202', async (action, target) => {
    const stream = await h.seed({ state: 'running' });

    const res = await h.call('POST', `/streams/${stream.id}/${action}`, { chime_url: chimeUrl });

    expect(res.status).toBe(202);
    expect(recordOf(res).connector).toEqual({
      target,
      state: 'starting',
      chime_url: `${chimeUrl}&broadcast=true`,
      task_id: null,
      started_at: String(NOW.getTime() / 1000),
    });
    expect(recordOf(res).state).toBe('running');
    expect((await h.store.get(stream.id))?.connector_execution).toBe(`${action}-${stream.id}-v${stream.version + 1}`);
    expect(h.startCalls()).toEqual([
      {
        stateMachineArn: expect.stringContaining(`fm-${action}`),
        name: `${action}-${stream.id}-v${stream.version + 1}`,
        input: JSON.stringify({ stream_id: stream.id, chime_url: chimeUrl }),
      },
    ]);
  });

  it('ivs_start is allowed on an idle stream; chime_start is not', async () => {
    const stream = await h.seed({ state: 'idle' });
    h.expectError(await h.call('POST', `/streams/${stream.id}/chime_start`, { chime_url: chimeUrl }), 409, 'StateConflict', /'idle'/);
    await h.expectUnchanged(stream);
    expect((await h.call('POST', `/streams/${stream.id}/ivs_start`, { chime_url: chimeUrl })).status).toBe(202);
  });

  it.each(['chime_start', 'ivs_start'])('%s 409s when a connector exists, and changes nothing', async (action) => {
    const stream = await h.seed({
      state: 'running',
      connector: { target: 'ivs', state: 'running', chime_url: chimeUrl, task_id: 't-1', started_at: '1' },
    });

    h.expectError(await h.call('POST', `/streams/${stream.id}/${action}`, { chime_url: chimeUrl }), 409, 'StateConflict', /already has a ivs connector \(running\)/);
    await h.expectUnchanged(stream);
  });

  it.each(['creating', 'deleting'] as StreamState[])('ivs_start 409s a stream in %s', async (state) => {
    const stream = await h.seed({ state });
    h.expectError(await h.call('POST', `/streams/${stream.id}/ivs_start`, { chime_url: chimeUrl }), 409, 'StateConflict');
    await h.expectUnchanged(stream);
  });

  it.each([
    [{}, 'chime_url'],
    [{ chime_url: 'not a url' }, 'chime_url'],
    [{ chime_url: 'ftp://meet.example.com/x' }, 'chime_url'],
    [{ chime_url: chimeUrl, extra: 1 }, 'extra'],
  ])('chime_start 400s %j', async (body, field) => {
    const stream = await h.seed({ state: 'running' });
    const res = await h.call('POST', `/streams/${stream.id}/chime_start`, body);
    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toEqual([field]);
    await h.expectUnchanged(stream);
  });

  it('gives the connector slot back when the start workflow cannot be started', async () => {
    const stream = await h.seed({ state: 'running' });
    h.sfnMock.on(StartExecutionCommand).rejects(new Error('down'));

    h.expectError(await h.call('POST', `/streams/${stream.id}/chime_start`, { chime_url: chimeUrl }), 500, 'InternalError');

    expect(await h.store.get(stream.id)).toMatchObject({ connector: null, connector_execution: null, state: 'running' });
  });

  it.each([
    ['chime_stop', 'medialive'],
    ['ivs_stop', 'ivs'],
  ] as const)('%s marks a %s connector stopping and answers 202', async (action, target) => {
    const stream = await h.seed({ connector: { target, state: 'running', chime_url: chimeUrl, task_id: 't-1', started_at: '1' } });

    const res = await h.call('POST', `/streams/${stream.id}/${action}`);

    expect(res.status).toBe(202);
    expect(recordOf(res).connector).toMatchObject({ target, state: 'stopping', task_id: 't-1' });
    expect(h.startCalls()).toEqual([
      { stateMachineArn: expect.stringContaining(`fm-${action}`), name: `${action}-${stream.id}-v${stream.version + 1}`, input: JSON.stringify({ stream_id: stream.id }) },
    ]);
  });

  it.each([
    ['chime_stop', null],
    ['chime_stop', 'ivs'],
    ['ivs_stop', null],
    ['ivs_stop', 'medialive'],
  ] as const)('%s 409s when the connector is %s', async (action, target) => {
    const stream = await h.seed({
      connector: target ? { target, state: 'running', chime_url: chimeUrl, task_id: 't-1', started_at: '1' } : null,
    });

    h.expectError(await h.call('POST', `/streams/${stream.id}/${action}`), 409, 'StateConflict', /has no (medialive|ivs) connector/);
    await h.expectUnchanged(stream);
  });

  it.each(['chime_start', 'chime_stop', 'ivs_start', 'ivs_stop'])('%s 404s an unknown stream', async (action) => {
    const body = action.endsWith('start') ? { chime_url: chimeUrl } : undefined;
    h.expectError(await h.call('POST', `/streams/${UNKNOWN}/${action}`, body), 404, 'NotFound');
    expect(h.startCalls()).toEqual([]);
  });
});
