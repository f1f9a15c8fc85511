import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness, executionArn } from './harness';
import { SplitAcceptedSchema } from '../../../api/schemas';
import { bodyOf, errorOf } from '../../fixtures/api-reply';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const SESSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const archived = () => h.seed({ archives_path: { [SESSION]: 's3://fem-livestream-archive/2026/03/01/abc-1772366400/' } });

describe('POST /streams/{id}/split', () => {
  it('names each section\'s outputs from the archive path, starts the split workflow, answers 202', async () => {
    const stream = await archived();

    const res = await h.call('POST', `/streams/${stream.id}/split`, {
      timestamp_list: [
        { start: 0, end: 90.5 },
        { start: 120, end: 600 },
      ],
      session_id: SESSION,
      name_modifier: 'day-1',
    });

    expect(res.status).toBe(202);
    const outputs = [
      {
        index: 0,
        start: 0,
        end: 90.5,
        playlist: 's3://fem-livestream-archive/2026/03/01/abc-1772366400/index_day-1_0.m3u8',
        output: 's3://fem-workshops-out/2026/03/01/abc-1772366400/index_day-1_0.mp4',
      },
      {
        index: 1,
        start: 120,
        end: 600,
        playlist: 's3://fem-livestream-archive/2026/03/01/abc-1772366400/index_day-1_1.m3u8',
        output: 's3://fem-workshops-out/2026/03/01/abc-1772366400/index_day-1_1.mp4',
      },
    ];
    const [call] = h.startCalls();
    expect(res.body).toEqual({ execution_id: executionArn('split', call.name!), outputs });
    expect(call.name).toMatch(new RegExp(`^split-${stream.id}-[0-9a-f]{32}$`));
    expect(JSON.parse(call.input!)).toEqual({
      stream_id: stream.id,
      session_id: SESSION,
      archive_path: 's3://fem-livestream-archive/2026/03/01/abc-1772366400/',
      name_modifier: 'day-1',
      timestamp_list: [
        { start: 0, end: 90.5 },
        { start: 120, end: 600 },
      ],
    });
    // A split changes no stream state; the execution is remembered for GET …/executions.
    const stored = await h.store.get(stream.id);
    expect(stored).toMatchObject({ state: 'idle', claimed_by: null, execution_arns: [bodyOf(res, SplitAcceptedSchema).execution_id] });
  });

  it('defaults name_modifier to 32 random hex chars, and two splits of a session get two executions', async () => {
    const stream = await archived();
    const body = { timestamp_list: [{ start: 1, end: 2 }], session_id: SESSION };

    const first = await h.call('POST', `/streams/${stream.id}/split`, body);
    const second = await h.call('POST', `/streams/${stream.id}/split`, body);

    expect(bodyOf(first, SplitAcceptedSchema).outputs[0].output).toMatch(/index_[0-9a-f]{32}_0\.mp4$/);
    expect(bodyOf(first, SplitAcceptedSchema).outputs[0].output).not.toBe(bodyOf(second, SplitAcceptedSchema).outputs[0].output);
    expect(new Set(h.startCalls().map((c) => c.name)).size).toBe(2);
  });

  it('422s a session that is not in archives_path, and starts nothing', async () => {
    const stream = await archived();

    const res = await h.call('POST', `/streams/${stream.id}/split`, { timestamp_list: [{ start: 0, end: 1 }], session_id: 'nope' });

    h.expectError(res, 422, 'Unprocessable', /session nope is not in the archives_path/);
    await h.expectUnchanged(stream);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ session_id: SESSION }, ['timestamp_list']],
    [{ timestamp_list: [], session_id: SESSION }, ['timestamp_list']],
    [{ timestamp_list: Array.from({ length: 101 }, (_, i) => ({ start: i, end: i + 1 })), session_id: SESSION }, ['timestamp_list']],
    [{ timestamp_list: [{ start: 0, end: 1 }, { start: 5, end: 5 }], session_id: SESSION }, ['timestamp_list.1.end']],
    [{ timestamp_list: [{ start: -1, end: 1 }], session_id: SESSION }, ['timestamp_list.0.start']],
    [{ timestamp_list: [{ start: 0, end: '9' }], session_id: SESSION }, ['timestamp_list.0.end']],
    [{ timestamp_list: [{ start: 0, end: 1, label: 'x' }], session_id: SESSION }, ['timestamp_list.0.label']],
    [{ timestamp_list: [{ start: 0, end: 1 }] }, ['session_id']],
    [{ timestamp_list: [{ start: 0, end: 1 }], session_id: SESSION, name_modifier: 'has space' }, ['name_modifier']],
    [{ timestamp_list: [{ start: 0, end: 1 }], session_id: SESSION, name_modifier: 'x'.repeat(65) }, ['name_modifier']],
    [{ timestamp_list: [{ start: 0, end: 1 }], session_id: SESSION, extra: true }, ['extra']],
  ])('400s %j naming %j, and starts nothing', async (body, paths) => {
    const stream = await archived();

    const res = await h.call('POST', `/streams/${stream.id}/split`, body);

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toEqual(paths);
    await h.expectUnchanged(stream);
  });

  it('404s an unknown stream', async () => {
    const res = await h.call('POST', `/streams/${'c'.repeat(32)}/split`, { timestamp_list: [{ start: 0, end: 1 }], session_id: SESSION });
    h.expectError(res, 404, 'NotFound');
    expect(h.startCalls()).toEqual([]);
  });
});
