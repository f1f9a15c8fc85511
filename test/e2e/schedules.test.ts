import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestRuntime, type TestRuntime } from './harness';
import { ExecutionListSchema, ScheduleListSchema, ScheduleViewSchema } from '../../api/schemas';
import { bodyOf, recordOf } from '../fixtures/api-reply';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime('schedules');
});
afterAll(async () => rt?.close());

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('timed start and stop on the local runtime', () => {
  it('starts and stops on time, never fires a cancelled schedule, and skips a start of a running stream with the reason', async () => {
    const created = await rt.api('POST', '/streams', { name: 'scheduled workshop' });
    const id = recordOf(created).id;
    await until('the stream to be idle', () => rt.record(id), (r) => r.state === 'idle');

    const schedule = async (action: 'start' | 'stop', at: string) => {
      const res = await rt.api('POST', `/streams/${id}/schedules`, { action, at });
      expect(res.status).toBe(201);
      return bodyOf(res, ScheduleViewSchema);
    };
    const start = await schedule('start', inSeconds(12));
    const cancelled = await schedule('stop', inSeconds(14));
    const secondStart = await schedule('start', inSeconds(18));
    const stop = await schedule('stop', inSeconds(24));
    expect((await rt.api('DELETE', `/streams/${id}/schedules/${cancelled.schedule_id}`)).status).toBe(204);
    expect((await rt.api('POST', `/streams/${id}/schedules`, { action: 'start', at: inSeconds(2) })).status).toBe(400);

    const listed = await until(
      'the stop to fire and the stream to be idle again',
      async () => ({ schedules: bodyOf(await rt.api('GET', `/streams/${id}/schedules`), ScheduleListSchema), record: await rt.record(id) }),
      ({ schedules, record }) => schedules.find((s) => s.schedule_id === stop.schedule_id)?.state === 'fired' && record.state === 'idle',
    );

    const byId = Object.fromEntries(listed.schedules.map((s) => [s.schedule_id, s]));
    expect(byId[start.schedule_id]).toMatchObject({ state: 'fired', execution_id: expect.stringContaining(':execution:') });
    expect(byId[cancelled.schedule_id]).toMatchObject({ state: 'cancelled' });
    expect(byId[cancelled.schedule_id].execution_id).toBeUndefined();
    expect(byId[secondStart.schedule_id]).toMatchObject({ state: 'skipped', error: expect.stringContaining("cannot start a stream in state 'running'") });
    expect(listed.record.last_started).not.toBeNull();
    expect(listed.record.last_stopped).not.toBeNull();

    // On time: each firing's execution began at its schedule's time (EventBridge Scheduler's
    // granularity is the second), not before it and not long after it.
    const executions = bodyOf(await rt.api('GET', `/streams/${id}/executions`), ExecutionListSchema);
    for (const fired of [start, stop]) {
      const execution = executions.find((e) => e.execution_id === byId[fired.schedule_id].execution_id)!;
      expect(execution.status).toBe('SUCCEEDED');
      const lateMs = Date.parse(execution.started_at) - Math.floor(Date.parse(fired.at) / 1000) * 1000;
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(2000);
    }
    expect(executions.filter((e) => e.action === 'start' && e.status === 'SUCCEEDED')).toHaveLength(1);

    expect((await rt.api('DELETE', `/streams/${id}`)).status).toBe(202);
  }, 120_000);
});
