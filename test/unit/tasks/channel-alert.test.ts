import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../core/lambda/config';
import { run as channelAlert } from '../../../tasks/channel-alert';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const NOW = new Date('2026-05-01T10:00:00Z');
// These alerts never reach Scheduler (only input-loss alerts do: test/unit/tasks/guards.test.ts).
const deps = () => ({ store: store(), now: () => NOW, scheduler: new SchedulerClient({}), config: loadConfig({}) });

// The shape of a "MediaLive Channel Alert" detail, after AWS's own example:
// https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-alert.html
function alert(channelId: string, message: string, alarm_state = 'SET') {
  return {
    alarm_state,
    alert_type: 'Failed to Create Output File or Socket',
    pipeline: '0',
    channel_arn: `arn:aws:medialive:us-west-2:111122223333:channel:${channelId}`,
    message,
  };
}

const SESSION = 'a'.repeat(32);
let channels = 0;
/** A running stream on a channel of its own (the store is shared by the tests). */
const running = () => ({
  state: 'running' as const,
  live_channel_id: `ch-${++channels}`,
  current_session_id: SESSION,
  archives_path: { [SESSION]: 's3://fem-livestream-archive/2026/05/01/s-1/' },
});

describe('channel-alert', () => {
  it("records an alert naming the session's archive as an archive error on the channel's stream, and nothing else changes", async () => {
    const item = await aStream(store(), running());
    const other = await aStream(store(), running());

    const out = await channelAlert(alert(item.live_channel_id, 'Unable to write to [s3ssl://fem-livestream-archive/2026/05/01/s-1/archive_1.000003.ts]: NoSuchBucket'), deps());

    expect(out).toEqual({ recorded: true });
    const stored = await store().mustGet(item.id);
    expect(stored.last_error).toEqual({
      action: 'archive',
      message: expect.stringContaining('Failed to Create Output File or Socket'),
      at: String(NOW.getTime() / 1000),
      execution_id: null,
    });
    expect(stored.last_error!.message).toContain('NoSuchBucket');
    expect(stored.state).toBe('running');
    expect((await store().mustGet(other.id)).last_error).toBeNull();
  });

  it('records any other alert of the channel as a channel error, with stream keys redacted', async () => {
    const item = await aStream(store(), running());

    await channelAlert(alert(item.live_channel_id, 'RTMP input rtmp://1.2.3.4:1935/live/secret-stream-key dropped'), deps());

    const stored = await store().mustGet(item.id);
    expect(stored.last_error?.action).toBe('channel');
    expect(stored.last_error?.message).not.toContain('secret-stream-key');
  });

  it('ignores CLEARED alerts, unknown channels and deleting streams', async () => {
    const item = await aStream(store(), running());
    const deleting = await aStream(store(), { ...running(), state: 'deleting' });

    expect(await channelAlert(alert(item.live_channel_id, 'writes work again', 'CLEARED'), deps())).toEqual({ recorded: false });
    expect(await channelAlert(alert('no-such-channel', 'x'), deps())).toEqual({ recorded: false });
    expect(await channelAlert(alert(deleting.live_channel_id, 'x'), deps())).toEqual({ recorded: false });

    expect((await store().mustGet(item.id)).last_error).toBeNull();
    expect((await store().mustGet(deleting.id)).last_error).toBeNull();
  });
});
