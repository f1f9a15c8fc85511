import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { errorOf, recordOf } from '../../fixtures/api-reply';
import { ApiHarness } from './harness';

// The cost guards at the API (docs/API.md): create, update and start take max_session_seconds
// (60–604800, or 0 = none; default 21600) and idle_stop_seconds (60–86400, or 0 = never; default
// 1800); a bad value is a 400 naming the field and changes nothing.
const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const BAD_VALUES: [string, unknown][] = [
  ['max_session_seconds', 59],
  ['max_session_seconds', 604_801],
  ['max_session_seconds', 90.5],
  ['max_session_seconds', -1],
  ['max_session_seconds', '3600'],
  ['idle_stop_seconds', 30],
  ['idle_stop_seconds', 86_401],
  ['idle_stop_seconds', null],
];

describe('cost guard settings', () => {
  it('creates with the defaults, or with the values given (0 turns a guard off)', async () => {
    const plain = recordOf(await h.call('POST', '/streams', { name: 'plain' }));
    expect(plain).toMatchObject({ max_session_seconds: 21_600, idle_stop_seconds: 1800, input_connected: null, stop_reason: null });

    const set = recordOf(await h.call('POST', '/streams', { name: 'set', max_session_seconds: 0, idle_stop_seconds: 60 }));
    expect(set).toMatchObject({ max_session_seconds: 0, idle_stop_seconds: 60 });
    expect((await h.store.mustGet(set.id)).max_session_seconds).toBe(0);
  });

  it.each(BAD_VALUES)('400s a create with %s = %j, naming it, and writes nothing', async (field, value) => {
    const before = (await h.store.list()).length;

    const res = await h.call('POST', '/streams', { name: 'bad', [field]: value });

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    expect((await h.store.list()).length).toBe(before);
    expect(h.startCalls()).toEqual([]);
  });

  it('updates the guards (they apply from the next start)', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, { max_session_seconds: 7200, idle_stop_seconds: 0 });

    expect([200, 202]).toContain(res.status);
    expect(await h.store.mustGet(stream.id)).toMatchObject({ max_session_seconds: 7200, idle_stop_seconds: 0 });
  });

  it.each(BAD_VALUES)('400s an update with %s = %j, naming it, and changes nothing', async (field, value) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}`, { [field]: value });

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    await h.expectUnchanged(stream);
  });

  it("passes a start's guards to that session's workflow only, and clears the last stop_reason", async () => {
    const stream = await h.seed({ stop_reason: 'idle' });

    const res = await h.call('POST', `/streams/${stream.id}/start`, { max_session_seconds: 600, idle_stop_seconds: 120 });

    expect(res.status).toBe(202);
    expect(recordOf(res)).toMatchObject({ stop_reason: null, max_session_seconds: 21_600, idle_stop_seconds: 1800 });
    expect(JSON.parse(h.startCalls()[0].input!)).toMatchObject({ max_session_seconds: 600, idle_stop_seconds: 120 });
  });

  it.each(BAD_VALUES)('400s a start with %s = %j, naming it, and starts nothing', async (field, value) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/start`, { [field]: value });

    h.expectError(res, 400, 'ValidationError');
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    await h.expectUnchanged(stream);
  });

  it("starts the operator's stop with reason operator", async () => {
    const stream = await h.seed({ state: 'running', started: true });

    expect((await h.call('POST', `/streams/${stream.id}/stop`)).status).toBe(202);

    expect(JSON.parse(h.startCalls()[0].input!)).toEqual({ stream_id: stream.id, reason: 'operator' });
  });
});
