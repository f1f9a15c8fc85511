import { describe, expect, it } from '@jest/globals';
import {
  afterAlert,
  guardScheduleName,
  guardSkipReason,
  IdleStopSecondsSchema,
  inputConnected,
  MaxSessionSecondsSchema,
  newSessionGuards,
  stopReasonOf,
} from '../../../core/domain/guards';

const SESSION = 'e'.repeat(32);
const guards = (lost_inputs: string[] = [], idle_arming = 0) => ({ ...newSessionGuards(SESSION, { max_session_seconds: 60, idle_stop_seconds: 60 }), lost_inputs, idle_arming });

describe('guard values', () => {
  it('accept 0 and the documented ranges only (docs/API.md)', () => {
    for (const ok of [0, 60, 604_800]) expect(MaxSessionSecondsSchema.safeParse(ok).success).toBe(true);
    for (const bad of [1, 59, 604_801, 61.5]) expect(MaxSessionSecondsSchema.safeParse(bad).success).toBe(false);
    for (const ok of [0, 60, 86_400]) expect(IdleStopSecondsSchema.safeParse(ok).success).toBe(true);
    for (const bad of [59, 86_401]) expect(IdleStopSecondsSchema.safeParse(bad).success).toBe(false);
  });
});

describe('input state from MediaLive alerts', () => {
  it('is connected while any pipeline has no input-loss alert SET', () => {
    expect(inputConnected(guards())).toBe(true);
    const one = afterAlert([], { pipeline: '0', alert_type: 'RTMP Stream Not Found', alarm_state: 'SET' });
    expect(inputConnected({ lost_inputs: one })).toBe(true);
    const both = afterAlert(one, { pipeline: '1', alert_type: 'RTMP Has No Audio/Video', alarm_state: 'SET' });
    expect(inputConnected({ lost_inputs: both })).toBe(false);
    // A repeated SET is one alert; its CLEARED removes it, and only it.
    expect(afterAlert(both, { pipeline: '1', alert_type: 'RTMP Has No Audio/Video', alarm_state: 'SET' })).toHaveLength(2);
    const back = afterAlert(both, { pipeline: '1', alert_type: 'RTMP Has No Audio/Video', alarm_state: 'CLEARED' });
    expect(inputConnected({ lost_inputs: back })).toBe(true);
    expect(back).toEqual(['0:RTMP Stream Not Found']);
  });
});

describe('guardSkipReason', () => {
  const running = (g = guards()) => ({ state: 'running', current_session_id: SESSION, guards: g });

  it('lets the current session\'s max-session guard stop a running stream', () => {
    expect(guardSkipReason(running(), { stream_id: 's', reason: 'max_session', session_id: SESSION })).toBeUndefined();
  });

  it('lets the live idle arming stop a stream whose every pipeline is quiet', () => {
    const quiet = guards(['0:RTMP Stream Not Found', '1:RTMP Stream Not Found'], 3);
    expect(guardSkipReason(running(quiet), { stream_id: 's', reason: 'idle', session_id: SESSION, arming: 3 })).toBeUndefined();
    expect(guardSkipReason(running(quiet), { stream_id: 's', reason: 'idle', session_id: SESSION, arming: 2 })).toMatch(/re-armed/);
    expect(guardSkipReason(running(guards([], 3)), { stream_id: 's', reason: 'idle', session_id: SESSION, arming: 3 })).toMatch(/pushing/);
  });

  it('skips a guard of another session or of a stream that is not running', () => {
    expect(guardSkipReason({ ...running(), current_session_id: 'x' }, { stream_id: 's', reason: 'max_session', session_id: SESSION })).toMatch(/stale/);
    expect(guardSkipReason({ ...running(), guards: null }, { stream_id: 's', reason: 'max_session', session_id: SESSION })).toMatch(/stale/);
    expect(guardSkipReason({ ...running(), state: 'stopping' }, { stream_id: 's', reason: 'max_session', session_id: SESSION })).toMatch(/not running/);
  });
});

describe('names and reasons', () => {
  it('names each guard schedule within Scheduler\'s 64 characters, one per session, guard and arming', () => {
    const names = [guardScheduleName(SESSION, 'max_session'), guardScheduleName(SESSION, 'idle', 0), guardScheduleName(SESSION, 'idle', 12345)];
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
  });

  it("takes a stop's reason from its input: a guard's, schedule for a timed stop, else operator", () => {
    expect(stopReasonOf({ stream_id: 's', reason: 'idle' })).toBe('idle');
    expect(stopReasonOf({ stream_id: 's', schedule_id: 'x' })).toBe('schedule');
    expect(stopReasonOf({ stream_id: 's' })).toBe('operator');
    expect(stopReasonOf(undefined)).toBe('operator');
  });
});
