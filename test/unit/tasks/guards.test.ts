import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guardScheduleName, newSessionGuards, RTMP_HAS_NO_AUDIO_VIDEO, RTMP_STREAM_NOT_FOUND } from '../../../core/domain/guards';
import { loadConfig } from '../../../core/lambda/config';
import type { StreamItem } from '../../../core/domain/record';
import { bindLocalService } from '../../../local/aws-binding';
import { LocalScheduler, type LocalSchedule } from '../../../local/scheduler';
import { run as armGuards } from '../../../tasks/arm-guards';
import { run as cancelGuards } from '../../../tasks/cancel-guards';
import { run as channelAlert } from '../../../tasks/channel-alert';
import { run as claimStream } from '../../../tasks/claim-stream';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

// The guards' tasks over the real store (dynalite) and the local EventBridge Scheduler, which
// enforces what CreateSchedule requires (Target.Arn, Target.RoleArn, an at() expression: SDK model
// doc, @aws-sdk/client-scheduler dist-types/models/models_0.d.ts) and keeps what it was given.

const store = useStreamStore();
const STOP_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:stop';
const config = loadConfig({
  SCHEDULE_GROUP_NAME: 'fm',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
  STATE_MACHINE_ARNS: JSON.stringify({ stop: STOP_ARN }),
});
const NOW = new Date('2030-05-01T10:00:00Z');
const fired: { arn: string; input: string }[] = [];
const saved: { schedules: LocalSchedule[] } = { schedules: [] };
const local = new LocalScheduler({
  storage: { load: () => Promise.resolve([]), save: (s) => Promise.resolve(void (saved.schedules = s)) },
  startExecution: (arn, input) => Promise.resolve(void fired.push({ arn, input })),
  onMissed: () => Promise.resolve(),
  onUndeliverable: () => Promise.resolve(),
});
const scheduler = bindLocalService(new SchedulerClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), local.service);
beforeAll(() => local.start());
afterAll(() => local.stop());

const deps = () => ({ store: store(), scheduler, config, now: () => NOW });
const SESSION = 'b'.repeat(32);
let channels = 0;

/** A running stream of the session with the given guards (its own channel: the store is shared). */
async function runningStream(values = { max_session_seconds: 3600, idle_stop_seconds: 600 }, patch: Partial<StreamItem> = {}) {
  return aStream(store(), {
    state: 'running',
    started: true,
    live_channel_id: `gch-${++channels}`,
    current_session_id: SESSION,
    guards: newSessionGuards(SESSION, values),
    ...patch,
  });
}

/** The schedule of that name, or undefined. */
async function schedule(name: string) {
  try {
    return await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'fm' }));
  } catch {
    return undefined;
  }
}

function alert(channelId: string, alarm_state: 'SET' | 'CLEARED', pipeline: string, alert_type = RTMP_HAS_NO_AUDIO_VIDEO) {
  return { alarm_state, alert_type, pipeline, channel_arn: `arn:aws:medialive:us-east-1:000000000000:channel:${channelId}`, message: '' };
}

describe('arm-guards', () => {
  it("arms the session's maximum length and its first idle guard, each a one-time schedule that starts the stop machine", async () => {
    const item = await runningStream();

    expect(await armGuards({ stream_id: item.id }, deps())).toEqual({ armed: ['max_session', 'idle'] });

    const max = await schedule(guardScheduleName(SESSION, 'max_session'));
    expect(max).toMatchObject({ ScheduleExpression: 'at(2030-05-01T11:00:00)', Target: { Arn: STOP_ARN } });
    expect(JSON.parse(max!.Target!.Input!)).toEqual({ stream_id: item.id, reason: 'max_session', session_id: SESSION });
    const idle = await schedule(guardScheduleName(SESSION, 'idle', 0));
    expect(idle).toMatchObject({ ScheduleExpression: 'at(2030-05-01T10:10:00)' });
    expect(JSON.parse(idle!.Target!.Input!)).toEqual({ stream_id: item.id, reason: 'idle', session_id: SESSION, arming: 0 });

    await cancelGuards({ stream_id: item.id }, deps());
    expect(await schedule(guardScheduleName(SESSION, 'max_session'))).toBeUndefined();
    expect(await schedule(guardScheduleName(SESSION, 'idle', 0))).toBeUndefined();
    // Cancelling again (a retried step, a guard that already fired) is done, not an error.
    expect(await cancelGuards({ stream_id: item.id }, deps())).toEqual({ cancelled: true });
  });

  it('arms nothing for a guard set to 0', async () => {
    const item = await runningStream({ max_session_seconds: 0, idle_stop_seconds: 0 });
    const before = saved.schedules.length;

    expect(await armGuards({ stream_id: item.id }, deps())).toEqual({ armed: [] });
    expect(saved.schedules).toHaveLength(before);
  });
});

describe('claim-stream for a guard firing', () => {
  const claim = (item: StreamItem, firing: Record<string, unknown>, name = `stop-${item.id}-guard`) =>
    claimStream(
      { stream_id: item.id, action: 'stop', execution_name: name, execution_id: `arn:x:${name}`, execution_input: { stream_id: item.id, ...firing } },
      { store: store() },
    );

  it('claims a running stream of the current session and carries the reason to the stop', async () => {
    const item = await runningStream();

    const claimed = await claim(item, { reason: 'max_session', session_id: SESSION });

    expect(claimed).toMatchObject({ state: 'stopping', stop_reason: 'max_session' });
  });

  it('skips, changing nothing, a guard of a session that is over, of a stream not running, or an idle guard whose input is back', async () => {
    const cases = [
      { item: await runningStream(), firing: { reason: 'max_session', session_id: 'c'.repeat(32) }, why: /stale/ },
      { item: await runningStream(undefined, { state: 'stopping' }), firing: { reason: 'max_session', session_id: SESSION }, why: /'stopping', not running/ },
      // No input-loss alert SET: an encoder pushes.
      { item: await runningStream(), firing: { reason: 'idle', session_id: SESSION, arming: 0 }, why: /encoder pushing/ },
    ];
    for (const { item, firing, why } of cases) {
      await expect(claim(item, firing)).rejects.toMatchObject({ name: 'StreamStateConflict', message: expect.stringMatching(why) });
      expect(await store().mustGet(item.id)).toEqual(item);
    }
  });

  it('stops an idle stream only on the live arming of its idle guard', async () => {
    const guards = { ...newSessionGuards(SESSION, { max_session_seconds: 0, idle_stop_seconds: 600 }), lost_inputs: ['0:x', '1:x'], idle_arming: 2 };
    const item = await runningStream(undefined, { guards });

    await expect(claim(item, { reason: 'idle', session_id: SESSION, arming: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/re-armed/) });
    expect(await claim(item, { reason: 'idle', session_id: SESSION, arming: 2 })).toMatchObject({ state: 'stopping', stop_reason: 'idle' });
  });

  it('says operator for a plain stop and schedule for a timed one', async () => {
    const item = await runningStream();
    expect(await claim(item, { schedule_id: 'd'.repeat(32) }, 'stop-timed')).toMatchObject({ stop_reason: 'schedule' });
    const other = await runningStream();
    expect(await claim(other, { reason: 'operator' }, 'stop-api')).toMatchObject({ stop_reason: 'operator' });
  });
});

describe('channel-alert: RTMP input alerts drive input_connected and the idle guard', () => {
  it('restarts the idle clock when the last pushing pipeline goes quiet, and cancels it when one comes back', async () => {
    const item = await runningStream({ max_session_seconds: 0, idle_stop_seconds: 900 }, { input_connected: true });
    const channel = item.live_channel_id;

    // One pipeline quiet: the other still pushes.
    await channelAlert(alert(channel, 'SET', '1', RTMP_STREAM_NOT_FOUND), deps());
    expect((await store().mustGet(item.id)).input_connected).toBe(true);
    expect(await schedule(guardScheduleName(SESSION, 'idle', 1))).toBeUndefined();

    // Both quiet: not connected, the idle guard re-armed at now + idle_stop_seconds.
    expect(await channelAlert(alert(channel, 'SET', '0'), deps())).toEqual({ recorded: true });
    const quiet = await store().mustGet(item.id);
    expect(quiet.input_connected).toBe(false);
    expect(quiet.guards).toMatchObject({ idle_arming: 1 });
    expect(await schedule(guardScheduleName(SESSION, 'idle', 1))).toMatchObject({ ScheduleExpression: 'at(2030-05-01T10:15:00)' });
    // An input-loss alert is no error.
    expect(quiet.last_error).toBeNull();

    // Pipeline 0 is back: connected, the idle guard cancelled.
    await channelAlert(alert(channel, 'CLEARED', '0'), deps());
    const back = await store().mustGet(item.id);
    expect(back.input_connected).toBe(true);
    expect(await schedule(guardScheduleName(SESSION, 'idle', 1))).toBeUndefined();
  });

  it('notes alerts while the stream starts without arming anything, and ignores them once it stopped', async () => {
    const starting = await runningStream(undefined, { state: 'starting', started: true, input_connected: null });
    await channelAlert(alert(starting.live_channel_id, 'SET', '0', RTMP_STREAM_NOT_FOUND), deps());
    await channelAlert(alert(starting.live_channel_id, 'SET', '1', RTMP_STREAM_NOT_FOUND), deps());
    const noted = await store().mustGet(starting.id);
    expect(noted.guards?.lost_inputs).toHaveLength(2);
    expect(noted.guards?.idle_arming).toBe(0);
    expect(noted.input_connected).toBeNull();

    const stopped = await runningStream(undefined, { state: 'idle', started: false, input_connected: null });
    expect(await channelAlert(alert(stopped.live_channel_id, 'SET', '0'), deps())).toEqual({ recorded: false });
    expect(await store().mustGet(stopped.id)).toEqual(stopped);
  });
});
