import { DescribeChannelCommand, MediaLiveClient, NotFoundException } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { run as channelStateChange } from '../../../tasks/channel-state-change';
import { aStream, useStreamStore } from '../../fixtures/stream-store';

const store = useStreamStore();
const medialive = mockClient(MediaLiveClient);
const NOW = new Date('2026-05-01T10:00:00Z');
const AT = String(NOW.getTime() / 1000);
const deps = () => ({ store: store(), medialive: medialive as unknown as MediaLiveClient, now: () => NOW });

/**
 * A "MediaLive Channel State Change" detail as AWS sends it: the shape of the User Guide's example
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html),
 * a stop reported per pipeline as STOPPED ("Stop detected on pipeline").
 */
function event(channelId: string, state: string, message = 'Stop detected on pipeline') {
  return {
    channel_arn: `arn:aws:medialive:us-west-2:111122223333:channel:${channelId}`,
    state,
    message,
    pipeline: '0',
    pipelines_running_count: 0,
  };
}

let channels = 0;
const running = () => ({ state: 'running' as const, started: true, input_connected: true, live_channel_id: String(7_000_000 + ++channels) });
const channelIs = (State: string) => medialive.on(DescribeChannelCommand).resolves({ State: State as never });

beforeEach(() => {
  medialive.reset();
});

describe('channel-state-change', () => {
  it('rests a running stream whose channel was stopped outside the API idle, with stop_reason aws', async () => {
    const item = await aStream(store(), running());
    const other = await aStream(store(), running());
    channelIs('IDLE');

    const out = await channelStateChange(event(item.live_channel_id, 'STOPPED'), deps());

    expect(out).toMatchObject({ stream_id: item.id, changed: true });
    expect(await store().mustGet(item.id)).toMatchObject({
      state: 'idle',
      started: false,
      stop_reason: 'aws',
      last_stopped: AT,
      input_connected: null,
      version: item.version + 1,
    });
    expect(await store().mustGet(other.id)).toEqual(other);
  });

  it('fails a stream whose channel was deleted outside the API, with last_error', async () => {
    const item = await aStream(store(), running());
    medialive.on(DescribeChannelCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    await channelStateChange(event(item.live_channel_id, 'DELETED', 'Deleted channel'), deps());

    expect(await store().mustGet(item.id)).toMatchObject({
      state: 'failed',
      started: false,
      stop_reason: 'aws',
      last_error: { action: 'channel', at: AT, execution_id: null, message: expect.stringContaining('Deleted channel') },
    });
  });

  it.each([
    ['stopping', 'stop-x-v4', 'STOPPED', 'IDLE'],
    ['starting', 'start-x-v2', 'STOPPED', 'IDLE'],
    ['deleting', 'delete-x-v7', 'DELETED', 'DELETED'],
  ] as const)('recognises a %s that our own workflow drives (claimed) and leaves it to that workflow', async (state, claimed_by, reported, now) => {
    const item = await aStream(store(), { ...running(), state, claimed_by });
    channelIs(now);

    const out = await channelStateChange(event(item.live_channel_id, reported), deps());

    expect(out.changed).toBe(false);
    expect(await store().mustGet(item.id)).toEqual(item);
  });

  it('takes a channel still STOPPING when its STOPPED event comes (DescribeChannel lagging the event) as stopped', async () => {
    const item = await aStream(store(), running());
    channelIs('STOPPING');

    expect((await channelStateChange(event(item.live_channel_id, 'STOPPED'), deps())).changed).toBe(true);
    expect(await store().mustGet(item.id)).toMatchObject({ state: 'idle', stop_reason: 'aws' });
  });

  it('reads the channel itself: a late STOPPED of the last session over a channel running again changes nothing', async () => {
    const item = await aStream(store(), running());
    channelIs('RUNNING');

    expect((await channelStateChange(event(item.live_channel_id, 'STOPPED'), deps())).changed).toBe(false);
    expect(await store().mustGet(item.id)).toEqual(item);
  });

  it('ignores events that change no record without reading anything, and channels that are no stream of this stack', async () => {
    const item = await aStream(store(), running());

    expect((await channelStateChange(event(item.live_channel_id, 'RUNNING', 'Pipeline started for channel'), deps())).changed).toBe(false);
    expect((await channelStateChange(event(item.live_channel_id, 'CREATED', 'Created channel'), deps())).changed).toBe(false);
    expect(medialive).not.toHaveReceivedCommand(DescribeChannelCommand);
    expect(await channelStateChange(event('999', 'STOPPED'), deps())).toMatchObject({ stream_id: null, changed: false });
    expect(await store().mustGet(item.id)).toEqual(item);
  });

  it('writes on the version it read the record at: a start claimed while the channel was read wins, and nothing stale lands', async () => {
    const item = await aStream(store(), running());
    // Between the record read and the conditional write, a stop of ours claims the stream.
    medialive.on(DescribeChannelCommand).callsFake(async () => {
      await store().mutate(item.id, () => ({ state: 'stopping', claimed_by: 'stop-x-v9' }));
      return { State: 'IDLE' };
    });

    const out = await channelStateChange(event(item.live_channel_id, 'STOPPED'), deps());

    expect(out.changed).toBe(false);
    expect(await store().mustGet(item.id)).toMatchObject({ state: 'stopping', claimed_by: 'stop-x-v9', stop_reason: null });
  });

  it('refuses a detail without the channel or the state, naming the field', async () => {
    const { Input } = await import('../../../tasks/channel-state-change');
    const parsed = Input.safeParse({ channel_arn: 'arn:aws:medialive:us-west-2:1:channel:1' });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('state');
  });
});
