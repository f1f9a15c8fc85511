import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, StopTaskCommand, paginateListTasks } from '@aws-sdk/client-ecs';
import { StopChannelCommand, paginateListChannels, type ChannelSummary } from '@aws-sdk/client-medialive';
import * as z from '../core/domain/zod';
import { channelCondition } from '../core/domain/channel-state';
import { epochString } from '../core/domain/clock';
import { streamIdOfGroup, taskIdOf } from '../core/domain/connector';
import { Conflict, NotFound } from '../core/domain/errors';
import { CHANNELS_PAST_GUARD_METRIC, METRIC_NAMESPACE } from '../core/domain/metrics';
import { isStarted, type StreamItem } from '../core/domain/record';
import { isOwnChannel, isOwnIvsChannel, isPastGuard, ownsConnectorTask, ownsIvsStream } from '../core/domain/sweep';
import { aws } from '../core/aws/calls';
import { channelStateNow, settleOnChannelState } from '../core/aws/channel-record';
import { liveIvsChannels, stopIvsStream } from '../core/aws/ivs-streams';
import type { Services } from '../core/aws/services';
import { requireSetting } from '../core/lambda/config';
import { logger } from '../core/lambda/logger';
import { taskHandler } from '../core/lambda/task-handler';
import { cloudWatchClient } from '../core/aws/clients/cloudwatch';
import { ecsClient } from '../core/aws/clients/ecs';
import { ivsClient } from '../core/aws/clients/ivs';
import { mediaLiveClient } from '../core/aws/clients/medialive';
import { streamStore } from '../core/aws/clients/store';

/** Started by a schedule: the scheduled event's fields are not read. */
export const Input = z.object({});

type Deps = Pick<Services, 'store' | 'medialive' | 'ecs' | 'ivs' | 'cloudwatch' | 'config' | 'now'>;

export interface Sweep {
  /** Channels stopped: running with no record, or under a record that says it is not running. */
  stopped_channels: string[];
  /** Streams whose record was brought in line with a channel stopped, failed or gone. */
  settled_streams: string[];
  /** Connector tasks stopped: running with no record that owns them. */
  stopped_connectors: string[];
  /** IVS channels of this stack whose live stream was stopped: no record's connector pushes to them. */
  stopped_ivs_streams: string[];
  /** Channels running past their session's guard plus the margin (the published metric). */
  channels_past_guard: number;
}

/** `last_error.action` of what the sweep found. */
const RECONCILE_ACTION = 'reconcile';
/** DescribeTasks takes at most 100 tasks a call (ECS API Reference, DescribeTasks `tasks`). */
const DESCRIBE_TASKS_MAX = 100;

/**
 * The reconciler: a scheduled sweep (every 15 minutes in the cloud, `infra/channel-watch.ts`; at
 * start and every `LOCAL_RECONCILE_SECONDS` locally) that compares what runs with what the
 * records say, so a missed event or a crashed workflow never leaves money running unseen:
 *
 * - a channel of this stack running with no record, or under a record that says it is not
 *   running (and that no workflow of ours holds), is stopped and reported (an error line, and
 *   `last_error` on the record when there is one);
 * - a record that says running over a channel that is stopped, failed or gone is settled by the
 *   same rules as the channel events (`core/aws/channel-record.ts`);
 * - a connector task that no record owns is stopped and reported;
 * - a live stream on an IVS channel of this stack that no record's IVS connector accounts for (the
 *   stream deleted, or its connector settled while something still pushes) is stopped and reported;
 * - the count of channels running past their session's `max_session_seconds` plus a margin is
 *   published as {@link CHANNELS_PAST_GUARD_METRIC}, every sweep (the stack alarms on it).
 *
 * What runs is listed before the records are read: a record read after the listing already shows
 * any claim made before a channel was seen starting. Every write is conditional on the record
 * read just before it, and every stop of a recorded channel follows that write.
 */
export async function run(_input: z.infer<typeof Input>, deps: Deps): Promise<Sweep> {
  const channels = await listChannels(deps);
  const tasks = await listConnectorTasks(deps);
  // IVS is swept last and apart: its failure (throttling, StreamUnavailable, a region without IVS)
  // must not cost the MediaLive sweep or the past-guard metric, which the stack alarms on.
  const ivsFailures: unknown[] = [];
  const ivsLive = await liveIvsChannels(deps).catch((err: unknown) => {
    ivsFailures.push(err);
    return [];
  });
  const streams = await deps.store.list();
  const byChannel = new Map(streams.filter((s) => s.live_channel_id).map((s) => [s.live_channel_id, s]));
  const own = channels.filter((c) => isOwnChannel(c, requireSetting(deps.config, 'TABLE_NAME'), new Set(byChannel.keys())));
  const listed = new Map(own.map((c) => [c.Id!, c.State ?? 'UNKNOWN']));

  const sweep: Sweep = { stopped_channels: [], settled_streams: [], stopped_connectors: [], stopped_ivs_streams: [], channels_past_guard: 0 };
  for (const channel of own) {
    if (channelCondition(channel.State ?? '') !== 'active') continue;
    const stream = byChannel.get(channel.Id!);
    if (stream && isStarted(stream.state) && isPastGuard(stream, deps.now())) sweep.channels_past_guard++;
    if (await stopsUnreferenced(deps, channel, stream)) sweep.stopped_channels.push(channel.Id!);
  }
  for (const stream of streams) {
    const state = listed.get(stream.live_channel_id) ?? 'DELETED';
    if (!stream.live_channel_id || stream.claimed_by || !mayBeStale(stream, state)) continue;
    const verdict = await settleOnChannelState(deps, stream.id);
    if (!verdict) continue;
    logger.error('reconciler: stream record brought in line with its channel', { streamId: stream.id, reason: verdict.reason });
    sweep.settled_streams.push(stream.id);
  }
  const byId = new Map(streams.map((s) => [s.id, s]));
  for (const task of tasks) {
    if (ownsConnectorTask(byId.get(streamIdOfGroup(task.group) ?? ''), taskIdOf(task.taskArn), task.startedBy)) continue;
    await aws('stopping connector task', () =>
      deps.ecs.send(new StopTaskCommand({ cluster: task.cluster, task: task.taskArn, reason: 'reconciler: no stream record owns this connector' })),
    );
    logger.error('reconciler: stopped a connector task that no stream record owns', { taskArn: task.taskArn, group: task.group });
    sweep.stopped_connectors.push(taskIdOf(task.taskArn));
  }
  const byIvsChannel = new Map(streams.filter((s) => s.ivs_channel_arn).map((s) => [s.ivs_channel_arn!, s]));
  for (const channel of ivsLive.filter((c) => isOwnIvsChannel(c, requireSetting(deps.config, 'TABLE_NAME'), new Set(byIvsChannel.keys())))) {
    try {
      if (await stopsUnreferencedIvsStream(deps, channel.arn, byIvsChannel.get(channel.arn))) sweep.stopped_ivs_streams.push(channel.arn);
    } catch (err) {
      ivsFailures.push(err);
    }
  }
  await publishPastGuard(deps, sweep.channels_past_guard);
  // Reported once the rest is done: the invocation fails (Lambda's Errors metric), the next sweep tries again.
  if (ivsFailures.length > 0) {
    logger.error('reconciler: the IVS sweep failed; MediaLive channels and connectors were swept', { errors: ivsFailures.map(String), sweep });
    throw ivsFailures[0];
  }
  return sweep;
}

/**
 * Stops the live stream of an IVS channel that no record accounts for. Under a record, the
 * report goes on its `last_error` first, conditional on the record read again (an `ivs_start`
 * claimed meanwhile owns the stream, and it is left alone).
 */
async function stopsUnreferencedIvsStream(deps: Deps, channelArn: string, stream: StreamItem | undefined): Promise<boolean> {
  if (ownsIvsStream(stream)) return false;
  if (stream) {
    let reported = false;
    await deps.store.mutate(stream.id, (item) => {
      reported = item.ivs_channel_arn === channelArn && !ownsIvsStream(item);
      if (!reported) return undefined;
      const message = `IVS channel ${channelArn} was live with no connector of this stream pushing to it; the reconciler stops its stream`;
      return { last_error: { action: RECONCILE_ACTION, message, at: epochString(deps.now()), execution_id: null } };
    });
    if (!reported) return false;
  }
  logger.error('reconciler: stopping a live IVS stream that no stream record accounts for', { channelArn, streamId: stream?.id });
  return stopIvsStream(deps, channelArn);
}


/** Does the listing disagree with the record, by the channel rules' lights? Only then is the channel read again. */
function mayBeStale(stream: StreamItem, state: string): boolean {
  const condition = channelCondition(state);
  return (condition === 'stopped' && isStarted(stream.state)) || ((condition === 'failed' || condition === 'gone') && stream.state !== 'failed');
}

/**
 * Stops a running channel that nothing references running: no record names it, or its record
 * says it is not running and no workflow of ours holds the stream. The record's `last_error` is
 * written first, conditional on the record read after the channel was seen running again, so a
 * start claimed meanwhile wins and its channel is left alone. Returns whether it stopped it.
 */
async function stopsUnreferenced(deps: Deps, channel: ChannelSummary, stream: StreamItem | undefined): Promise<boolean> {
  const channelId = channel.Id!;
  if (!stream) {
    logger.error('reconciler: stopping a channel of this stack that no stream record names', { channelId, name: channel.Name });
    return stopChannel(deps, channelId);
  }
  if (stream.claimed_by || isStarted(stream.state)) return false;
  let reported = false;
  await deps.store.mutate(stream.id, async (item) => {
    reported = false;
    if (item.live_channel_id !== channelId || item.claimed_by || isStarted(item.state)) return undefined;
    const state = await channelStateNow(deps, channelId);
    if (channelCondition(state) !== 'active') return undefined;
    reported = true;
    const message = `MediaLive channel ${channelId} was ${state} while the stream was ${item.state}; the reconciler stopped it`;
    return { last_error: { action: RECONCILE_ACTION, message, at: epochString(deps.now()), execution_id: null } };
  });
  if (!reported) return false;
  logger.error('reconciler: stopping a channel running under a stream that is not running', { streamId: stream.id, channelId, streamState: stream.state });
  return stopChannel(deps, channelId);
}

/** StopChannel; a channel that is already stopping or gone needs nothing more. */
async function stopChannel(deps: Deps, channelId: string): Promise<boolean> {
  try {
    await aws('stopping MediaLive channel', () => deps.medialive.send(new StopChannelCommand({ ChannelId: channelId })));
    return true;
  } catch (err) {
    if (err instanceof Conflict || err instanceof NotFound) return false;
    throw err;
  }
}

async function listChannels(deps: Deps): Promise<ChannelSummary[]> {
  const channels: ChannelSummary[] = [];
  for await (const page of paginateListChannels({ client: deps.medialive }, {})) channels.push(...(page.Channels ?? []));
  return channels;
}

interface ConnectorTask {
  cluster: string;
  taskArn: string;
  group: string | undefined;
  startedBy: string | undefined;
}

/** The connector cluster's running tasks, with the group (its stream) and `startedBy` (its execution's token). */
async function listConnectorTasks(deps: Deps): Promise<ConnectorTask[]> {
  const cluster = requireSetting(deps.config, 'CONNECTOR_CLUSTER');
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: deps.ecs }, { cluster, desiredStatus: 'RUNNING' })) arns.push(...(page.taskArns ?? []));
  const tasks: ConnectorTask[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_MAX) {
    const out = await aws('describing connector tasks', () =>
      deps.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_TASKS_MAX) })),
    );
    for (const task of out.tasks ?? []) {
      if (task.taskArn && task.desiredStatus === 'RUNNING') tasks.push({ cluster, taskArn: task.taskArn, group: task.group, startedBy: task.startedBy });
    }
  }
  return tasks;
}

async function publishPastGuard(deps: Deps, count: number): Promise<void> {
  await aws('publishing the reconciler metric', () =>
    deps.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: [{ MetricName: CHANNELS_PAST_GUARD_METRIC, Value: count, Unit: 'Count', Timestamp: deps.now() }],
      }),
    ),
  );
}

export const handler = taskHandler(Input, run, {
  store: streamStore,
  medialive: mediaLiveClient,
  ecs: ecsClient,
  ivs: ivsClient,
  cloudwatch: cloudWatchClient,
});
