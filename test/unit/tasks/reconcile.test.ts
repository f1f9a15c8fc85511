import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  CreateChannelCommand,
  CreateInputCommand,
  DescribeChannelCommand,
  MediaLiveClient,
  StartChannelCommand,
  type ChannelState,
} from '@aws-sdk/client-medialive';
import { CreateChannelCommand as CreatePackageChannel, CreateOriginEndpointCommand, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { CreateChannelCommand as CreateIvsChannel, IvsClient, ListStreamsCommand } from '@aws-sdk/client-ivs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { connectorGroup } from '../../../core/domain/connector';
import { channelRequest } from '../../../core/domain/encoder-settings';
import { requestToken } from '../../../core/domain/ids';
import { newSessionGuards } from '../../../core/domain/guards';
import { CHANNELS_PAST_GUARD_METRIC, METRIC_NAMESPACE } from '../../../core/domain/metrics';
import type { StreamItem } from '../../../core/domain/record';
import { loadConfig } from '../../../core/lambda/config';
import { bindLocalService } from '../../../local/aws-binding';
import { LocalCloudWatch } from '../../../local/cloudwatch';
import { LocalIvs } from '../../../local/ivs';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalMediaLive } from '../../../local/medialive';
import { LocalMediaPackage } from '../../../local/mediapackage';
import { run as reconcile } from '../../../tasks/reconcile';
import { aStream, useStreamStore } from '../../fixtures/stream-store';
import { RecordingMediaPlane } from '../local/fakes';

// The sweep runs against the real stand-ins (MediaLive's states and ListChannels, CloudWatch's
// PutMetricData checks) and a real store; only ECS, whose local stand-in runs real processes, is mocked.
const store = useStreamStore();
const TABLE = 'streams';
const CLUSTER = 'connectors';
const config = loadConfig({ TABLE_NAME: TABLE, CONNECTOR_CLUSTER: CLUSTER, ARCHIVE_BUCKET: 'archive' });
const client = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
const ecsClient = new ECSClient(client);
const ecs = mockClient(ecsClient);

let live: LocalMediaLive;
let medialive: MediaLiveClient;
let cloudwatch: LocalCloudWatch;
let ivsPlane: RecordingMediaPlane;
let ivs: IvsClient;
let now = new Date();
const deps = () => ({
  store: store(),
  medialive,
  ecs: ecsClient,
  ivs,
  cloudwatch: bindLocalService(new CloudWatchClient(client), cloudwatch.service),
  config,
  now: () => now,
});

let inputs = 0;
beforeEach(async () => {
  // Each test sweeps its own records: the store is shared by the file's tests.
  for (const item of await store().list()) await store().delete(item.id);
  ecs.reset();
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  now = new Date();
  const packages = new LocalMediaPackage({ mediaPort: 8080 });
  const mediapackage = bindLocalService(new MediaPackageClient(client), packages.service);
  await mediapackage.send(new CreatePackageChannel({ Id: 'pkg-1' }));
  await mediapackage.send(new CreateOriginEndpointCommand({ ChannelId: 'pkg-1', Id: 'ep-1', StartoverWindowSeconds: 60, HlsPackage: {} }));
  live = new LocalMediaLive({
    rtmpPort: 1935,
    mediaPlane: new RecordingMediaPlane(),
    packages,
    inputSecurityGroups: { sg: ['127.0.0.1/32'] },
    startSeconds: 0,
    transitionSeconds: 0,
  });
  medialive = bindLocalService(new MediaLiveClient(client), live.service);
  cloudwatch = new LocalCloudWatch();
  ivsPlane = new RecordingMediaPlane();
  ivs = bindLocalService(new IvsClient(client), new LocalIvs({ rtmpPort: 1935, mediaPort: 8080, mediaPlane: ivsPlane }).service);
});
afterEach(() => live?.close());

async function channelState(channelId: string): Promise<ChannelState | undefined> {
  return (await medialive.send(new DescribeChannelCommand({ ChannelId: channelId }))).State;
}

/** Polls the stand-in (its transitions take no time here, but happen on timers) until the channel is in `state`. */
async function until(channelId: string, state: ChannelState): Promise<void> {
  for (let i = 0; i < 200 && (await channelState(channelId)) !== state; i++) await sleep(10);
  expect(await channelState(channelId)).toBe(state);
}

/** A channel as create-channel makes it (tagged with its stream and `table`), running if asked. */
async function aChannel(streamId: string, opts: { running: boolean; table?: string }): Promise<string> {
  const input = await medialive.send(
    new CreateInputCommand({ Type: 'RTMP_PUSH', Destinations: [{ StreamName: `live/k${++inputs}a` }, { StreamName: `live/k${inputs}b` }], InputSecurityGroups: ['sg'] }),
  );
  const request = channelRequest({
    streamId,
    inputId: input.Input!.Id!,
    packageChannelId: 'pkg-1',
    segmentLength: 60,
    archiveBucket: 'archive',
    roleArn: 'arn:aws:iam::000000000000:role/ml',
    requestId: `r-${streamId}`,
    streamTable: opts.table ?? TABLE,
  });
  const channelId = (await medialive.send(new CreateChannelCommand(request))).Channel!.Id!;
  await until(channelId, 'IDLE');
  if (opts.running) {
    await medialive.send(new StartChannelCommand({ ChannelId: channelId }));
    await until(channelId, 'RUNNING');
  }
  return channelId;
}

async function aStreamOnChannel(patch: Partial<StreamItem>, running: boolean): Promise<StreamItem> {
  const item = await aStream(store(), { state: 'idle' });
  const channelId = await aChannel(item.id, { running });
  return store().mutate(item.id, () => ({ live_channel_id: channelId, ...patch }));
}

/** An IVS channel as ensure-ivs-channel makes it (tagged with `table`, or untagged as before the tag), live if someone pushes. */
async function anIvsChannel(name: string, opts: { live: boolean; table?: string | null }): Promise<string> {
  const table = opts.table === undefined ? TABLE : opts.table;
  const made = await ivs.send(new CreateIvsChannel({ name, tags: table === null ? {} : { stream_id: name, stream_table: table } }));
  if (opts.live) ivsPlane.publishing.add(ivsPlane.started.at(-1)!.channelId);
  return made.channel!.arn!;
}

const started = { state: 'running' as const, started: true, last_started: String(Math.floor(Date.now() / 1000)) };

describe('reconcile', () => {
  it('stops a channel running under a record that says idle, and says so on the record', async () => {
    const item = await aStreamOnChannel({ state: 'idle' }, true);

    const sweep = await reconcile({}, deps());

    expect(sweep.stopped_channels).toEqual([item.live_channel_id]);
    await until(item.live_channel_id, 'IDLE');
    expect((await store().mustGet(item.id)).last_error).toEqual({
      action: 'reconcile',
      message: expect.stringContaining(`MediaLive channel ${item.live_channel_id} was RUNNING while the stream was idle`),
      at: expect.any(String),
      execution_id: null,
    });
  });

  it("stops a running channel of this stack that no record names, and leaves another stack's alone", async () => {
    const orphan = await aChannel('0'.repeat(32), { running: true });
    const theirs = await aChannel('1'.repeat(32), { running: true, table: 'another-stack-streams' });

    const sweep = await reconcile({}, deps());

    expect(sweep.stopped_channels).toEqual([orphan]);
    await until(orphan, 'IDLE');
    expect(await channelState(theirs)).toBe('RUNNING');
  });

  it('leaves a channel whose stream a workflow of ours holds, and one whose record says it runs', async () => {
    const starting = await aStreamOnChannel({ state: 'starting', started: true, claimed_by: 'start-x-v2' }, true);
    const running = await aStreamOnChannel(started, true);

    const sweep = await reconcile({}, deps());

    expect(sweep.stopped_channels).toEqual([]);
    expect(await channelState(starting.live_channel_id)).toBe('RUNNING');
    expect(await channelState(running.live_channel_id)).toBe('RUNNING');
    expect(await store().mustGet(running.id)).toEqual(running);
  });

  it('rests a record that says running over an idle channel idle, stop_reason aws, and fails one whose channel is gone', async () => {
    const stopped = await aStreamOnChannel(started, false);
    const gone = await store().mutate((await aStream(store(), { state: 'idle' })).id, () => ({ ...started, live_channel_id: '9999999' }));

    const sweep = await reconcile({}, deps());

    expect(sweep.settled_streams.sort()).toEqual([stopped.id, gone.id].sort());
    expect(await store().mustGet(stopped.id)).toMatchObject({ state: 'idle', started: false, stop_reason: 'aws' });
    expect(await store().mustGet(gone.id)).toMatchObject({ state: 'failed', last_error: { action: 'channel' } });
  });

  it('does not stop a channel whose stream a start claimed while the sweep looked (the write is conditional on the record it read)', async () => {
    const item = await aStreamOnChannel({ state: 'idle' }, true);
    const racing = new MediaLiveClient(client);
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        // The API claims a start on the stream between the sweep's read of the record and its write.
        if (context.commandName === 'DescribeChannelCommand') {
          await store().mutate(item.id, () => ({ state: 'starting', started: true, claimed_by: 'start-y-v3' }));
        }
        return next(args);
      },
      { step: 'initialize', priority: 'high' },
    );
    bindLocalService(racing, live.service);

    const sweep = await reconcile({}, { ...deps(), medialive: racing });

    expect(sweep.stopped_channels).toEqual([]);
    expect(await channelState(item.live_channel_id)).toBe('RUNNING');
    expect(await store().mustGet(item.id)).toMatchObject({ state: 'starting', last_error: null });
  });

  it('publishes the count of channels running past their guard plus the margin, every sweep, zero included', async () => {
    await aStreamOnChannel({ ...started, max_session_seconds: 3600 }, true);
    await aStreamOnChannel({ ...started, max_session_seconds: 0 }, true);
    await aStreamOnChannel({ ...started, max_session_seconds: 3600 }, true);

    const first = await reconcile({}, deps());
    now = new Date(Date.now() + (3600 + 600 + 5) * 1000);
    const later = await reconcile({}, deps());

    expect([first.channels_past_guard, later.channels_past_guard]).toEqual([0, 2]);
    expect(cloudwatch.datapoints(METRIC_NAMESPACE, CHANNELS_PAST_GUARD_METRIC).map((p) => [p.value, p.unit])).toEqual([
      [0, 'Count'],
      [2, 'Count'],
    ]);
  });

  it('judges a session by its own limit (a start\'s override), not the record\'s', async () => {
    const session = { current_session_id: 'a'.repeat(32) };
    // Two started with 3600 on a record of 6 h (past); one started with no limit on a record of 1 h (not).
    const shorter = { ...started, ...session, max_session_seconds: 21600, guards: newSessionGuards(session.current_session_id, { max_session_seconds: 3600, idle_stop_seconds: 0 }) };
    await aStreamOnChannel(shorter, true);
    await aStreamOnChannel(shorter, true);
    await aStreamOnChannel({ ...started, ...session, max_session_seconds: 3600, guards: newSessionGuards(session.current_session_id, { max_session_seconds: 0, idle_stop_seconds: 0 }) }, true);

    now = new Date(Date.now() + (3600 + 600 + 5) * 1000);
    const sweep = await reconcile({}, deps());

    expect(sweep.channels_past_guard).toBe(2);
  });

  it('stops a connector task that no record owns, and keeps those a record names or is starting', async () => {
    const owned = await aStream(store(), {
      connector: { target: 'medialive', state: 'running', chime_url: 'u', task_id: 'task-owned', started_at: '1' },
    });
    const starting = await aStream(store(), {
      connector: { target: 'medialive', state: 'starting', chime_url: 'u', task_id: null, started_at: '1' },
      connector_execution: 'chime_start-x-v1',
    });
    const arn = (id: string) => `arn:aws:ecs:us-east-1:000000000000:task/${CLUSTER}/${id}`;
    ecs.on(ListTasksCommand, { cluster: CLUSTER, desiredStatus: 'RUNNING' }).resolves({ taskArns: [arn('task-owned'), arn('task-starting'), arn('task-orphan')] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: arn('task-owned'), group: connectorGroup(owned.id), desiredStatus: 'RUNNING' },
        { taskArn: arn('task-starting'), group: connectorGroup(starting.id), startedBy: requestToken('chime_start-x-v1', 'connector'), desiredStatus: 'RUNNING' },
        { taskArn: arn('task-orphan'), group: connectorGroup('f'.repeat(32)), desiredStatus: 'RUNNING' },
      ],
    });

    const sweep = await reconcile({}, deps());

    expect(sweep.stopped_connectors).toEqual(['task-orphan']);
    expect(ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: CLUSTER, task: arn('task-orphan') });
  });

  it("stops the live stream of an IVS channel no record's connector accounts for, and leaves the connector's, the quiet and another stack's", async () => {
    // Prepare: an orphan of this stack (tagged), an untagged one under a record with no connector,
    // one a running IVS connector pushes to, another stack's, and one of ours that is not live
    const orphan = await anIvsChannel('fm-orphan', { live: true });
    const unclaimedArn = await anIvsChannel('fm-legacy', { live: true, table: null });
    const unclaimed = await aStream(store(), { ivs_channel_arn: unclaimedArn });
    const pushedArn = await anIvsChannel('fm-pushed', { live: true });
    await aStream(store(), { ivs_channel_arn: pushedArn, connector: { target: 'ivs', state: 'running', chime_url: 'u', task_id: 't', started_at: '1' } });
    const theirs = await anIvsChannel('fm-theirs', { live: true, table: 'another-stack-streams' });
    await anIvsChannel('fm-quiet', { live: false });
    // Act
    const sweep = await reconcile({}, deps());
    // Assess
    expect(sweep.stopped_ivs_streams.sort()).toEqual([orphan, unclaimedArn].sort());
    const stillLive = (await ivs.send(new ListStreamsCommand({}))).streams!.map((s) => s.channelArn);
    expect(stillLive.sort()).toEqual([pushedArn, theirs].sort());
    expect((await store().mustGet(unclaimed.id)).last_error).toMatchObject({
      action: 'reconcile',
      message: expect.stringContaining(`IVS channel ${unclaimedArn} was live with no connector of this stream pushing to it`),
    });
  });

  it('sweeps MediaLive and publishes the metric even when IVS fails, then fails the invocation with the IVS error', async () => {
    // Prepare: an orphan MediaLive channel; IVS answers ListStreams with its 503 (StreamUnavailable is a server fault)
    const orphan = await aChannel('2'.repeat(32), { running: true });
    const failing = new IvsClient(client);
    failing.middlewareStack.add(
      () => () => Promise.reject(Object.assign(new Error('The stream is temporarily unavailable.'), { name: 'StreamUnavailable', $metadata: { httpStatusCode: 503 } })),
      { step: 'initialize', priority: 'high' },
    );
    // Act
    const outcome = reconcile({}, { ...deps(), ivs: failing });
    // Assess
    await expect(outcome).rejects.toThrow(/temporarily unavailable/);
    await until(orphan, 'IDLE');
    expect(cloudwatch.datapoints(METRIC_NAMESPACE, CHANNELS_PAST_GUARD_METRIC).map((p) => p.value)).toEqual([0]);
  });
});
