import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { STEP_MS, startTestRuntime, type TestRuntime } from './harness';

// The cost guards end to end on the local runtime: the real API, workflows, tasks, local
// Scheduler (its schedules persisted and fired by timers), media plane and RTMP ingest. The API
// allows no guard under 60 s, so the runtime runs its schedules at 1/50 of their lead
// (LOCAL_SCHEDULE_TIME_SCALE, test-only): a 60 s guard fires 1.2 s after it is armed.
const TIME_SCALE = 0.02;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime('guards', { LOCAL_SCHEDULE_TIME_SCALE: TIME_SCALE });
}, STEP_MS);
afterAll(async () => rt?.close(), STEP_MS);

async function runningStream(body: Record<string, unknown>, start: Record<string, unknown> = {}) {
  const created = await rt.api('POST', '/streams', { name: 'guarded workshop', ...body });
  expect(created.status).toBe(201);
  const { id } = recordOf(created);
  expect((await rt.api('POST', `/streams/${id}/start`, start)).status).toBe(202);
  return { id, running: await rt.untilState(id, 'running') };
}

/** The session's guard schedule of that name, or undefined once it fired or was cancelled. */
async function guardSchedule(name: string) {
  const { scheduler, config } = rt.runtime.services;
  return scheduler.send(new GetScheduleCommand({ Name: name, GroupName: config.SCHEDULE_GROUP_NAME })).catch((err: unknown) => {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  });
}

describe('cost guards on the local runtime', () => {
  it('stops a started stream nobody publishes to after idle_stop_seconds, with stop_reason idle', async () => {
    const { id, running } = await runningStream({ idle_stop_seconds: 60, max_session_seconds: 0 });
    expect(running.stop_reason).toBeNull();

    const stopped = await rt.until(id, 'the idle guard to stop it', (r) => r.state === 'idle' && r.stop_reason !== null);

    expect(stopped).toMatchObject({ stop_reason: 'idle', input_connected: null, started: false });
    expect(stopped.last_stopped).not.toBeNull();
  }, STEP_MS);

  it('stops a session that exceeds max_session_seconds (the start\'s own value) with stop_reason max_session', async () => {
    const { id } = await runningStream({ idle_stop_seconds: 0 }, { max_session_seconds: 120 });

    const stopped = await rt.until(id, 'the max-session guard to stop it', (r) => r.state === 'idle' && r.stop_reason !== null);

    expect(stopped.stop_reason).toBe('max_session');
    // The start's value applied to that session only: the record keeps its own.
    expect(stopped.max_session_seconds).toBe(21_600);
  }, STEP_MS);

  it('keeps a stream with a publisher running past the idle deadline and shows input_connected', async () => {
    // 1200 s scaled: the idle guard armed at RUNNING is due 24 s later, time enough for ffmpeg to connect.
    const { id, running } = await runningStream({ idle_stop_seconds: 1200, max_session_seconds: 0 });
    // The input alerts ("RTMP Stream Not Found", one per pipeline) come on their own, before or
    // after the channel's RUNNING is recorded (as MediaLive's come through EventBridge, in no
    // promised order); one that lands after re-arms the idle guard. So: wait until the record
    // shows no encoder, then read the guard armed for the idle clock then running.
    await rt.until(id, 'the input alerts to show no encoder pushing', (r) => r.input_connected === false);
    const { guards } = await rt.runtime.services.store.mustGet(id);
    const firstIdleGuard = `fmg-${guards!.session_id}-idle-${guards!.idle_arming}`;
    expect(await guardSchedule(firstIdleGuard)).toBeDefined();

    const publisher = publish(running.rtmp1, 120);
    try {
      await rt.until(id, 'the encoder to show as connected', (r) => r.input_connected === true);
      // The publisher came back before the deadline: the idle guard is cancelled.
      expect(await guardSchedule(firstIdleGuard)).toBeUndefined();
      // Even were the cancelled guard to fire anyway (a firing Scheduler already had in flight), its
      // stop changes nothing: the stop machine run with that guard's own input ends without a stop.
      const { sfn, config } = rt.runtime.services;
      const late = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: config.STATE_MACHINE_ARNS.stop,
          input: JSON.stringify({ stream_id: id, reason: 'idle', session_id: guards!.session_id, arming: guards!.idle_arming }),
        }),
      );
      const ended = await waitFor(async () => {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn: late.executionArn }));
        return out.status === 'RUNNING' ? undefined : out.status;
      }, STEP_MS);
      expect(ended).toBe('SUCCEEDED');
      expect(await rt.record(id)).toMatchObject({ state: 'running', input_connected: true, stop_reason: null });
    } finally {
      await publisher.stop();
    }
    // The publisher left for good: the idle clock restarts, and the stream stops idle.
    const stopped = await rt.until(id, 'the restarted idle guard to stop it', (r) => r.state === 'idle', STEP_MS);
    expect(stopped.stop_reason).toBe('idle');
  }, 2 * STEP_MS);

  it("gives an operator's stop stop_reason operator and cancels the session's guards", async () => {
    const { id } = await runningStream({ idle_stop_seconds: 86_400, max_session_seconds: 604_800 });
    const guards = (await rt.runtime.services.store.mustGet(id)).guards!;
    const names = [`fmg-${guards.session_id}-max`, `fmg-${guards.session_id}-idle-${guards.idle_arming}`];
    for (const name of names) expect(await guardSchedule(name)).toMatchObject({ Name: name });

    expect((await rt.api('POST', `/streams/${id}/stop`)).status).toBe(202);
    const stopped = await rt.untilState(id, 'idle');

    expect(stopped.stop_reason).toBe('operator');
    for (const name of names) expect(await guardSchedule(name)).toBeUndefined();
  }, STEP_MS);
});
