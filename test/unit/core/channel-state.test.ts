import { describe, expect, it } from '@jest/globals';
import { channelCondition, verdictOn } from '../../../core/domain/channel-state';
import { STREAM_STATES, newStreamItem, isStarted, type StreamItem, type StreamState } from '../../../core/domain/record';

const NOW = new Date('2026-05-01T10:00:00Z');
const AT = String(NOW.getTime() / 1000);

function item(state: StreamState, claimed_by: string | null = null): StreamItem {
  return {
    ...newStreamItem({ id: 'a'.repeat(32), name: 'w', now: '1700000000' }),
    state,
    started: isStarted(state),
    claimed_by,
    live_channel_id: '1234567',
    input_connected: state === 'running' ? true : null,
  };
}

describe('channelCondition', () => {
  // DescribeChannel's ChannelState and the state change event's own vocabulary: the event reports
  // a stop per pipeline as STOPPED, never IDLE, and a deletion as DELETED
  // (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html,
  // https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-channel.html).
  it.each([
    ['IDLE', 'stopped'],
    ['STOPPED', 'stopped'],
    ['STARTING', 'active'],
    ['RUNNING', 'active'],
    ['RECOVERING', 'active'],
    ['DELETED', 'gone'],
    ['CREATE_FAILED', 'failed'],
    ['UPDATE_FAILED', 'failed'],
    ['STOPPING', 'stopped'],
    ['CREATED', 'transitional'],
    ['DELETING', 'transitional'],
    ['UPDATING', 'transitional'],
  ])('%s is %s', (state, condition) => {
    expect(channelCondition(state)).toBe(condition);
  });
});

describe('verdictOn: the record after AWS reports its channel', () => {
  it.each(['IDLE', 'STOPPED', 'STOPPING'])('a running stream over a %s channel rests idle, stopped by AWS', (state) => {
    const verdict = verdictOn(item('running'), state, NOW);

    expect(verdict?.patch).toEqual({ state: 'idle', started: false, input_connected: null, last_stopped: AT, stop_reason: 'aws' });
    expect(verdict?.reason).toContain('stopped outside this API');
  });

  it('an unclaimed starting stream over a stopped channel rests idle too (the states our own stop begins in)', () => {
    expect(verdictOn(item('starting'), 'IDLE', NOW)?.patch).toMatchObject({ state: 'idle', stop_reason: 'aws' });
  });

  it.each([
    ['DELETED', 'running'],
    ['DELETED', 'idle'],
    ['CREATE_FAILED', 'idle'],
    ['UPDATE_FAILED', 'running'],
  ] as const)('a %s channel fails a %s stream, with last_error saying what AWS reported', (state, streamState) => {
    const verdict = verdictOn(item(streamState), state, NOW, 'Deleted channel');

    expect(verdict?.patch).toMatchObject({
      state: 'failed',
      started: false,
      input_connected: null,
      last_error: { action: 'channel', at: AT, execution_id: null, message: expect.stringContaining(`is ${state}: Deleted channel`) },
    });
    // A session that was running ended, and says who ended it; an idle stream had none to end.
    if (streamState === 'running') expect(verdict?.patch).toMatchObject({ last_stopped: AT, stop_reason: 'aws' });
    else expect(verdict?.patch).not.toHaveProperty('stop_reason');
  });

  it('keeps stream keys out of last_error', () => {
    const verdict = verdictOn(item('running'), 'DELETED', NOW, 'input rtmp://1.2.3.4:1935/live/secret-stream-key gone');
    expect(verdict?.patch.last_error?.message).not.toContain('secret-stream-key');
  });

  // Our own start, stop, delete and create drive the channel through these very states, and record
  // the outcome themselves: whatever the channel reports, a claimed stream is theirs.
  it.each(STREAM_STATES.flatMap((state) => ['IDLE', 'STOPPED', 'DELETED', 'CREATE_FAILED', 'RUNNING'].map((channel) => [state, channel])))(
    'a %s stream that a workflow of ours holds is left alone, whatever a %s channel says',
    (state, channel) => {
      expect(verdictOn(item(state as StreamState, `${state}-x-v1`), channel, NOW)).toBeUndefined();
    },
  );

  it.each([
    ['idle', 'IDLE'],
    ['idle', 'STOPPED'],
    ['failed', 'IDLE'],
    ['failed', 'DELETED'],
    ['running', 'RUNNING'],
    ['running', 'RECOVERING'],
    ['running', 'CREATED'],
    ['idle', 'RUNNING'],
  ] as const)('a %s stream over a %s channel already agrees (or is the reconciler\'s to stop): nothing changes', (state, channel) => {
    expect(verdictOn(item(state), channel, NOW)).toBeUndefined();
  });
});
