import { CreateScheduleCommand, DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness, NOW, machineArn } from './harness';
import { ScheduleListSchema, ScheduleViewSchema } from '../../../api/schemas';
import { bodyOf, errorOf } from '../../fixtures/api-reply';

const h = new ApiHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

const inAMinute = new Date(NOW.getTime() + 60_000).toISOString();
const inTwoMinutes = new Date(NOW.getTime() + 120_000).toISOString();

describe('POST /streams/{id}/schedules', () => {
  it('schedules a start at the given UTC time, targeting the start state machine with the options', async () => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/schedules`, { action: 'start', at: inAMinute, start_options: { key_rotation_interval: 0 } });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ schedule_id: expect.stringMatching(/^[0-9a-f]{32}$/), action: 'start', at: inAMinute, state: 'scheduled' });
    const sent = h.schedulerMock.commandCalls(CreateScheduleCommand)[0].args[0].input;
    expect(sent).toMatchObject({ Name: `fm-${bodyOf(res, ScheduleViewSchema).schedule_id}`, GroupName: 'fm-schedules', ScheduleExpression: 'at(2026-03-01T12:01:00)' });
    expect(sent.Target?.Arn).toBe(machineArn('start'));
    expect(JSON.parse(sent.Target!.Input!)).toEqual({ key_rotation_interval: 0, stream_id: stream.id, schedule_id: bodyOf(res, ScheduleViewSchema).schedule_id });
    expect((await h.store.mustGet(stream.id)).schedules[bodyOf(res, ScheduleViewSchema).schedule_id]?.state).toBe('scheduled');
  });

  it.each([
    [{ action: 'start', at: new Date(NOW.getTime() + 5_000).toISOString() }, 'at', /at must be at least 10 s in the future/],
    [{ action: 'stop', at: '2026-03-01 13:00' }, 'at', /ISO-8601 UTC/],
    [{ action: 'stop', at: '2028-03-01T12:00:00Z' }, 'at', /within one year/],
    [{ action: 'restart', at: inAMinute }, 'action', undefined],
    [{ action: 'stop', at: inAMinute, start_options: {} }, 'start_options', undefined],
    [{ action: 'start', at: inAMinute, start_options: { key_rotation_interval: 30 } }, 'start_options.key_rotation_interval', undefined],
    [{ action: 'start', at: inAMinute, when: 'soon' }, 'when', undefined],
  ])('rejects %j with a 400 naming %s, changing nothing', async (body, field, message) => {
    const stream = await h.seed();

    const res = await h.call('POST', `/streams/${stream.id}/schedules`, body);

    h.expectError(res, 400, 'ValidationError', message);
    expect(errorOf(res).details?.map((d) => d.path)).toContain(field);
    expect(h.schedulerMock.commandCalls(CreateScheduleCommand)).toEqual([]);
    await h.expectUnchanged(stream);
  });

  it('404s for an unknown stream', async () => {
    const res = await h.call('POST', `/streams/${'0'.repeat(32)}/schedules`, { action: 'stop', at: inAMinute });
    h.expectError(res, 404, 'NotFound');
    expect(h.schedulerMock.commandCalls(CreateScheduleCommand)).toEqual([]);
  });

  it('leaves nothing behind when EventBridge Scheduler refuses', async () => {
    const stream = await h.seed();
    h.schedulerMock.on(CreateScheduleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));

    const res = await h.call('POST', `/streams/${stream.id}/schedules`, { action: 'stop', at: inAMinute });

    h.expectError(res, 500, 'InternalError');
    expect((await h.store.mustGet(stream.id)).schedules).toEqual({});
  });
});

describe('GET and DELETE /streams/{id}/schedules', () => {
  it('lists soonest first, cancels a pending schedule (204), and 409s once it is no longer pending', async () => {
    const stream = await h.seed();
    const later = bodyOf(await h.call('POST', `/streams/${stream.id}/schedules`, { action: 'stop', at: inTwoMinutes }), ScheduleViewSchema);
    const sooner = bodyOf(await h.call('POST', `/streams/${stream.id}/schedules`, { action: 'start', at: inAMinute }), ScheduleViewSchema);

    const listed = await h.call('GET', `/streams/${stream.id}/schedules`);
    expect(listed.status).toBe(200);
    expect(bodyOf(listed, ScheduleListSchema).map((s) => s.schedule_id)).toEqual([sooner.schedule_id, later.schedule_id]);

    const cancelled = await h.call('DELETE', `/streams/${stream.id}/schedules/${later.schedule_id}`);
    expect(cancelled.status).toBe(204);
    expect(h.schedulerMock).toHaveReceivedCommandWith(DeleteScheduleCommand, { Name: `fm-${later.schedule_id}`, GroupName: 'fm-schedules' });

    const again = await h.call('DELETE', `/streams/${stream.id}/schedules/${later.schedule_id}`);
    h.expectError(again, 409, 'StateConflict', /already cancelled/);

    const item = await h.store.mustGet(stream.id);
    await h.store.update(stream.id, item.version, {
      schedules: { ...item.schedules, [sooner.schedule_id]: { ...item.schedules[sooner.schedule_id], state: 'fired', execution_id: 'arn:x' } },
    });
    const fired = await h.call('DELETE', `/streams/${stream.id}/schedules/${sooner.schedule_id}`);
    h.expectError(fired, 409, 'StateConflict', /already fired/);

    const after = (await h.call('GET', `/streams/${stream.id}/schedules`)).body;
    expect(after).toEqual([
      { schedule_id: sooner.schedule_id, action: 'start', at: inAMinute, state: 'fired', execution_id: 'arn:x' },
      { schedule_id: later.schedule_id, action: 'stop', at: inTwoMinutes, state: 'cancelled' },
    ]);
  });

  it('404s for an unknown schedule and 400s for a malformed id', async () => {
    const stream = await h.seed();
    h.expectError(await h.call('DELETE', `/streams/${stream.id}/schedules/${'a'.repeat(32)}`), 404, 'NotFound');
    h.expectError(await h.call('DELETE', `/streams/${stream.id}/schedules/nope`), 400, 'ValidationError');
  });
});
