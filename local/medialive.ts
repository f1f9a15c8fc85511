import { randomInt } from 'node:crypto';
import type * as MediaLive from '@aws-sdk/client-medialive';
import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  UnprocessableEntityException,
  type ArchiveGroupSettings,
  type Channel,
  type CreateChannelCommandInput,
  type CreateInputCommandInput,
  type Input,
  type InputClass,
  InputType,
  type MediaPackageGroupSettings,
  type OutputDestination,
  type UpdateChannelCommandInput,
} from '@aws-sdk/client-medialive';
import { z } from 'zod';
import { logger } from '../core/lambda/logger';
import { ownValue } from '../core/domain/own';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import type { ChannelMedia, MediaPlane } from './media-plane-contract';
import { stateChangeEvents, type ChannelStateChangeEvent } from './medialive-events';
import { pickFields } from './pick-fields';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';
import { JsonStateFile } from './state-files';

/** What MediaLive needs to know of the MediaPackage channel a channel feeds: its HLS endpoint. */
export interface PackageOrigins {
  originOf(packageChannelId: string):
    | { endpointId: string; startoverWindowSeconds: number; keyRotationInterval: number }
    | undefined;
}

export interface LocalMediaLiveOptions {
  /** Where the RTMP ingest listens: input destinations are `rtmp://127.0.0.1:{port}/{app}/{key}`. */
  rtmpPort: number;
  mediaPlane: MediaPlane;
  packages: PackageOrigins;
  /**
   * The input security groups that exist (the stack's one, in the cloud), by id, with their
   * whitelist CIDRs: a channel's media plane ignores pushes from any other address.
   */
  inputSecurityGroups: Readonly<Record<string, readonly string[]>>;
  /** STARTING → RUNNING. */
  startSeconds: number;
  /** CREATING → IDLE, STOPPING → IDLE, DELETING → DELETED. */
  transitionSeconds?: number;
  /** JSON state file; none = in memory. */
  stateFile?: string;
  /**
   * Where its "MediaLive Channel State Change" events go (EventBridge's default bus in the cloud),
   * each delivered after the call that caused it has returned, as a rule's target gets it.
   */
  onStateChange?: (event: ChannelStateChangeEvent) => unknown;
}

const CHANNEL_STATES = ['CREATING', 'CREATE_FAILED', 'IDLE', 'STARTING', 'RUNNING', 'RECOVERING', 'STOPPING', 'DELETING', 'DELETED', 'UPDATING', 'UPDATE_FAILED'] as const;
type ChannelState = (typeof CHANNEL_STATES)[number];
/** States a channel keeps across a restart; every other one was the runtime's doing and ends with it. */
const RESTING_STATES: readonly ChannelState[] = ['IDLE', 'CREATE_FAILED', 'UPDATE_FAILED'];

/** The fields of UpdateChannel that describe the channel. */
const UPDATE_SPEC_FIELDS = ['Name', 'RoleArn', 'InputAttachments', 'InputSpecification', 'Destinations', 'EncoderSettings', 'LogLevel', 'CdiInputSpecification', 'Maintenance'] as const;
/** The fields of CreateChannel that describe the channel: UpdateChannel's, and those fixed at creation. */
const SPEC_FIELDS = [...UPDATE_SPEC_FIELDS, 'ChannelClass', 'Tags', 'Vpc'] as const;
/** The channel as created or last updated: the request's fields, kept as sent. */
const ChannelSpecSchema = z.record(z.string(), z.unknown());
type ChannelSpec = Pick<CreateChannelCommandInput, (typeof SPEC_FIELDS)[number]>;

const StoredChannelSchema = z.object({ Id: z.string(), State: z.enum(CHANNEL_STATES), Spec: ChannelSpecSchema });
type StoredChannel = { Id: string; State: ChannelState; Spec: ChannelSpec };

const StoredInputSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  Type: z.enum(InputType),
  StreamNames: z.array(z.string()),
  SecurityGroups: z.array(z.string()),
  Tags: z.record(z.string(), z.string()),
  AttachedChannels: z.array(z.string()),
});
type StoredInput = z.infer<typeof StoredInputSchema>;

const StateSchema = z.object({
  inputs: z.record(z.string(), StoredInputSchema),
  channels: z.record(z.string(), StoredChannelSchema),
  /** RequestId → resource id: a retried create with the same token returns what the first made. */
  requests: z.record(z.string(), z.string()),
});
type State = { inputs: Record<string, StoredInput>; channels: Record<string, StoredChannel>; requests: Record<string, string> };

/** How long a DELETED channel stays describable before it is forgotten (Describe: NotFound, which tasks/describe-channel.ts reads as DELETED). */
export const DELETED_RETENTION_SECONDS = 60;
/** ListChannels' page without a MaxResults: small, so that paging is exercised. */
const DEFAULT_LIST_PAGE = 10;
/** MediaLive's default archive rollover when the output group doesn't say. */
const DEFAULT_ROLLOVER_SECONDS = 600;
/** What an output destination can be; exactly one per destination. */
const DESTINATION_KINDS = ['Settings', 'MediaPackageSettings', 'MultiplexSettings', 'SrtSettings'] as const;
const STREAM_NAME = /^[A-Za-z0-9_-]+\/[A-Za-z0-9_.~-]+$/;
const ARCHIVE_URL = /^s3(?:ssl)?:\/\/([^/]+)\/(.+)$/;

/**
 * MediaLive, locally: RTMP-push inputs and channels with the real state sequence
 * (CREATING → IDLE, STARTING → RUNNING, STOPPING → IDLE, DELETING → DELETED), the real conflicts
 * (StartChannel of a CREATING channel, DeleteChannel of a RUNNING one, DeleteInput of an attached
 * input: ConflictException), `RequestId` idempotency, and the media plane started when a channel
 * reaches RUNNING and stopped (its last archive segment flushed) before it is IDLE again.
 *
 * After a restart nothing runs, so a channel saved as STARTING/RUNNING/STOPPING loads as IDLE
 * (`local/reconcile.ts` then tells the streams that claimed otherwise); a half-deleted one is gone.
 *
 * Every state change is also an EventBridge event, as MediaLive sends it (`./medialive-events.ts`).
 */
export class LocalMediaLive {
  readonly service: LocalService;

  private readonly state: State;
  private readonly file: JsonStateFile<State>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Media plane calls per channel, in order: a stop waits for the start it follows. */
  private readonly mediaOps = new Map<string, Promise<void>>();
  private readonly mediaRunning = new Set<string>();
  private readonly transitionSeconds: number;

  constructor(private readonly options: LocalMediaLiveOptions) {
    this.transitionSeconds = options.transitionSeconds ?? 1;
    this.file = new JsonStateFile(options.stateFile, StateSchema);
    this.state = this.file.load({ inputs: {}, channels: {}, requests: {} });
    this.settleAfterRestart();
    this.save();
    this.service = serviceFromHandlers<typeof MediaLive>('MediaLive', {
      CreateInputCommand: (input) => this.createInput(input),
      DescribeInputCommand: (input) => this.describeInput(this.mustInput(input.InputId)),
      DeleteInputCommand: (input) => this.deleteInput(input.InputId),
      CreateChannelCommand: (input) => this.createChannel(input),
      DescribeChannelCommand: (input) => this.describeChannel(this.mustChannel(input.ChannelId)),
      ListChannelsCommand: (input) => this.listChannels(input.MaxResults, input.NextToken),
      UpdateChannelCommand: (input) => this.updateChannel(input),
      StartChannelCommand: (input) => this.startChannel(input.ChannelId),
      StopChannelCommand: (input) => this.stopChannel(input.ChannelId),
      DeleteChannelCommand: (input) => this.deleteChannel(input.ChannelId),
    });
  }

  /** Stops the timers. The media plane is closed by its owner. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves once every media plane call made so far has settled (for tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.mediaOps.values());
  }

  // ---- inputs ----

  private createInput(input: CreateInputCommandInput) {
    const existing = this.fromRequest(input.RequestId, this.state.inputs);
    if (existing) return { Input: this.describeInput(existing) };
    if (input.Type !== 'RTMP_PUSH') throw badRequest(`input type ${input.Type} is not available locally; use RTMP_PUSH`);
    const streamNames = (input.Destinations ?? []).map((d) => d.StreamName ?? '');
    if (streamNames.length < 1 || streamNames.length > 2) throw badRequest('an RTMP_PUSH input needs one or two Destinations');
    const badName = streamNames.find((name) => !STREAM_NAME.test(name));
    if (badName !== undefined) throw badRequest('each Destinations[].StreamName must be appName/streamKey');
    const groups = input.InputSecurityGroups ?? [];
    const unknown = groups.find((g) => !Object.hasOwn(this.options.inputSecurityGroups, g));
    if (unknown !== undefined) throw badRequest(`input security group ${unknown} does not exist`);
    const stored: StoredInput = {
      Id: this.newId(),
      Name: input.Name ?? '',
      Type: input.Type,
      StreamNames: streamNames,
      SecurityGroups: groups,
      Tags: input.Tags ?? {},
      AttachedChannels: [],
    };
    this.state.inputs[stored.Id] = stored;
    if (input.RequestId) this.state.requests[input.RequestId] = stored.Id;
    this.save();
    return { Input: this.describeInput(stored) };
  }

  private describeInput(input: StoredInput): Input {
    const port = this.options.rtmpPort;
    return {
      Arn: this.arn('input', input.Id),
      AttachedChannels: input.AttachedChannels,
      Destinations: input.StreamNames.map((name) => ({ Ip: '127.0.0.1', Port: String(port), Url: `rtmp://127.0.0.1:${port}/${name}` })),
      Id: input.Id,
      InputClass: (input.StreamNames.length === 2 ? 'STANDARD' : 'SINGLE_PIPELINE') satisfies InputClass,
      InputDevices: [],
      InputPartnerIds: [],
      InputSourceType: 'STATIC',
      MediaConnectFlows: [],
      Name: input.Name,
      SecurityGroups: input.SecurityGroups,
      Sources: [],
      State: input.AttachedChannels.length > 0 ? 'ATTACHED' : 'DETACHED',
      Tags: input.Tags,
      Type: input.Type,
    };
  }

  private deleteInput(inputId: string | undefined) {
    const input = this.mustInput(inputId);
    if (input.AttachedChannels.length > 0) {
      throw serviceError(ConflictException, 409, `input ${input.Id} is attached to channel ${input.AttachedChannels.join(', ')}`);
    }
    delete this.state.inputs[input.Id];
    this.save();
    return {};
  }

  // ---- channels ----

  private createChannel(input: CreateChannelCommandInput) {
    const existing = this.fromRequest(input.RequestId, this.state.channels);
    if (existing) return { Channel: this.describeChannel(existing) };
    const spec: ChannelSpec = pickFields(input, SPEC_FIELDS);
    const id = this.newId();
    this.wiringOf(id, spec);
    this.attachInputs(id, spec);
    const channel: StoredChannel = { Id: id, State: 'CREATING', Spec: spec };
    this.state.channels[id] = channel;
    if (input.RequestId) this.state.requests[input.RequestId] = id;
    this.save();
    this.after(id, this.transitionSeconds, () => this.settle(id, 'CREATING', 'IDLE'));
    return { Channel: this.describeChannel(channel) };
  }

  private describeChannel(channel: StoredChannel): Channel {
    const running = channel.State === 'RUNNING' ? pipelineCount(channel.Spec) : 0;
    return {
      ...channel.Spec,
      ...(channel.Spec.Destinations ? { Destinations: channel.Spec.Destinations.map(describedDestination) } : {}),
      Arn: this.arn('channel', channel.Id),
      EgressEndpoints: [],
      Id: channel.Id,
      PipelineDetails: [],
      PipelinesRunningCount: running,
      State: channel.State,
    };
  }

  /**
   * Every channel the account has (DELETED ones too while still describable), as ChannelSummary
   * (a channel's description less its encoder settings), `MaxResults` at a time with a `NextToken`
   * for the rest, so callers that page (`paginateListChannels`) are exercised.
   */
  private listChannels(maxResults: number | undefined, nextToken: string | undefined) {
    const pageSize = maxResults ?? DEFAULT_LIST_PAGE;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw badRequest('MaxResults must be a positive integer');
    const start = nextToken === undefined ? 0 : Number(nextToken);
    if (!Number.isInteger(start) || start < 0) throw badRequest('NextToken is not one this service gave');
    const all = Object.values(this.state.channels);
    const Channels = all.slice(start, start + pageSize).map((channel) => {
      const { EncoderSettings: _settings, ...summary } = this.describeChannel(channel);
      return summary;
    });
    return { Channels, ...(start + pageSize < all.length ? { NextToken: String(start + pageSize) } : {}) };
  }

  private updateChannel(input: UpdateChannelCommandInput) {
    const channel = this.mustChannel(input.ChannelId);
    if (channel.State !== 'IDLE') throw conflict(channel, 'updated');
    const spec: ChannelSpec = { ...channel.Spec, ...pickFields(input, UPDATE_SPEC_FIELDS) };
    // "If you do not specify this on an update call but the role was previously set that role will
    // be removed" (UpdateChannelRequest.RoleArn, SDK model doc). The other members are kept.
    if (input.RoleArn === undefined) delete spec.RoleArn;
    this.wiringOf(channel.Id, spec);
    this.attachInputs(channel.Id, spec);
    channel.Spec = spec;
    this.save();
    return { Channel: this.describeChannel(channel) };
  }

  private startChannel(id: string | undefined) {
    const channel = this.mustChannel(id);
    const channelId = channel.Id;
    if (channel.State !== 'IDLE') throw conflict(channel, 'started');
    // A running channel reaches the account's resources (the archive bucket, MediaPackage) only
    // through its role. How MediaLive reports a channel without one is not documented; the stand-in
    // refuses the start with one of StartChannel's modeled errors, so a stripped role fails loudly.
    if (!channel.Spec.RoleArn) throw badRequest(`channel ${channelId} has no roleArn: MediaLive could not write its outputs`);
    this.setState(channel, 'STARTING');
    this.after(channelId, this.options.startSeconds, () => this.bringUp(channelId));
    return this.describeChannel(channel);
  }

  private stopChannel(id: string | undefined) {
    const channel = this.mustChannel(id);
    const channelId = channel.Id;
    if (!['STARTING', 'RUNNING', 'RECOVERING'].includes(channel.State)) throw conflict(channel, 'stopped');
    this.setState(channel, 'STOPPING');
    this.cancelTimer(channelId);
    this.enqueueMedia(channelId, async () => {
      if (this.mediaRunning.delete(channelId)) {
        await this.options.mediaPlane.stopChannel(channelId).catch((err: unknown) => {
          logger.error('media plane failed to stop a channel', { channelId, error: String(err) });
        });
      }
      this.after(channelId, this.transitionSeconds, () => this.settle(channelId, 'STOPPING', 'IDLE'));
    });
    return this.describeChannel(channel);
  }

  private deleteChannel(id: string | undefined) {
    const channel = this.mustChannel(id);
    const channelId = channel.Id;
    if (channel.State === 'DELETING' || channel.State === 'DELETED') {
      throw serviceError(NotFoundException, 404, `channel ${channelId} is ${channel.State}`);
    }
    if (!RESTING_STATES.includes(channel.State)) throw conflict(channel, 'deleted');
    this.setState(channel, 'DELETING');
    this.after(channelId, this.transitionSeconds, () => {
      this.detachInputs(channelId);
      this.settle(channelId, 'DELETING', 'DELETED');
      // Kept DELETED long enough for a poll to see it, then forgotten (Describe: NotFound), so deleted
      // channels' settings do not pile up in memory and in every save of the state file.
      this.after(channelId, DELETED_RETENTION_SECONDS, () => {
        this.forget(channelId);
        this.save();
      });
    });
    return this.describeChannel(channel);
  }

  /** STARTING → (media plane up) → RUNNING; a media plane that can't start leaves the channel IDLE. */
  private bringUp(channelId: string): void {
    this.enqueueMedia(channelId, async () => {
      const channel = this.state.channels[channelId];
      if (channel?.State !== 'STARTING') return;
      try {
        await this.options.mediaPlane.startChannel(this.mediaOf(channelId, channel.Spec));
        this.mediaRunning.add(channelId);
      } catch (err) {
        logger.error('media plane failed to start a channel; it stays IDLE', { channelId, error: String(err) });
        this.settle(channelId, 'STARTING', 'IDLE');
        return;
      }
      this.settle(channelId, 'STARTING', 'RUNNING');
    });
  }

  /**
   * How the channel's settings wire up, checked at create and update as MediaLive does: the
   * attached input, the MediaPackage channel its MediaPackage output group feeds, and its archive
   * output group's destinations (one per pipeline). Settings that don't wire up are MediaLive's
   * UnprocessableEntityException.
   */
  private wiringOf(channelId: string, spec: ChannelSpec) {
    const problems: { ElementPath: string; ErrorMessage: string }[] = [];
    const problem = (ElementPath: string, ErrorMessage: string) => problems.push({ ElementPath, ErrorMessage });
    const attachedId = spec.InputAttachments?.[0]?.InputId;
    const input = attachedId ? this.state.inputs[attachedId] : undefined;
    if (!input) problem('/inputAttachments', 'the channel needs one attached RTMP_PUSH input');
    const destinations = spec.Destinations ?? [];
    for (const destination of destinations) {
      // Present counts, empty or not (aws/aws-sdk-php#2087: Describe's `Settings: []` sent back fails).
      const kinds = DESTINATION_KINDS.filter((kind) => destination[kind] !== undefined);
      if (kinds.length !== 1) {
        problem('/destinations', `Exactly one of settings, MediaPackage settings, or Multiplex settings is required for destination ${destination.Id}`);
      }
    }
    const groups = spec.EncoderSettings?.OutputGroups ?? [];
    const groupSettings = <K extends 'MediaPackageGroupSettings' | 'ArchiveGroupSettings'>(kind: K) =>
      groups.find((g) => g.OutputGroupSettings?.[kind])?.OutputGroupSettings?.[kind];
    const destinationOf = (settings: MediaPackageGroupSettings | ArchiveGroupSettings | undefined) =>
      destinations.find((d) => d.Id === settings?.Destination?.DestinationRefId);

    const packageChannelId = destinationOf(groupSettings('MediaPackageGroupSettings'))?.MediaPackageSettings?.[0]?.ChannelId;
    if (!packageChannelId) problem('/encoderSettings/outputGroups', 'local channels need a MediaPackage output group with a MediaPackage destination');

    const archiveGroup = groupSettings('ArchiveGroupSettings');
    const archive: { bucket: string; keyBase: string }[] = [];
    if (archiveGroup) {
      const urls = (destinationOf(archiveGroup)?.Settings ?? []).map((s) => s.Url ?? '');
      if (urls.length === 0) problem('/destinations', 'the archive output group names no destination with Settings');
      for (const url of urls.slice(0, pipelineCount(spec))) {
        const match = ARCHIVE_URL.exec(url);
        if (match) archive.push({ bucket: match[1], keyBase: match[2] });
        else problem('/destinations', `archive destination ${url} is not an s3:// or s3ssl:// URL`);
      }
    }
    if (problems.length > 0 || !input || !packageChannelId) {
      const reasons = problems.map((p) => p.ErrorMessage).join('; ');
      throw serviceError(UnprocessableEntityException, 422, `channel ${channelId} settings are not valid: ${reasons}`, { ValidationErrors: problems });
    }
    const segmentLength = archiveGroup?.RolloverInterval ?? DEFAULT_ROLLOVER_SECONDS;
    // MediaLive accepts a push only from its input security groups' CIDRs (the union of them).
    const sourceCidrs = input.SecurityGroups.flatMap((group) => this.options.inputSecurityGroups[group] ?? []);
    return { streamNames: input.StreamNames, packageChannelId, archive, segmentLength, sourceCidrs };
  }

  /**
   * What the media plane needs to run the channel, read when it starts: MediaPackage settings
   * (startover window, encryption) changed while the channel was idle take effect at its next start.
   */
  private mediaOf(channelId: string, spec: ChannelSpec): ChannelMedia {
    const { streamNames, packageChannelId, archive, segmentLength, sourceCidrs } = this.wiringOf(channelId, spec);
    const origin = this.options.packages.originOf(packageChannelId);
    if (!origin) throw new Error(`MediaPackage channel ${packageChannelId} has no HLS origin endpoint to feed`);
    return {
      channelId,
      streamNames,
      endpointId: origin.endpointId,
      startoverWindowSeconds: origin.startoverWindowSeconds,
      keyRotationInterval: origin.keyRotationInterval,
      archive,
      segmentLength,
      sourceCidrs,
    };
  }

  // ---- state ----

  private settleAfterRestart(): void {
    for (const channel of Object.values(this.state.channels)) {
      if (channel.State === 'DELETING' || channel.State === 'DELETED') {
        this.forget(channel.Id);
      } else if (!RESTING_STATES.includes(channel.State)) {
        channel.State = 'IDLE';
      }
    }
  }

  /** A deleted channel is gone: its inputs detached, its idempotency tokens and media queue dropped. */
  private forget(channelId: string): void {
    this.detachInputs(channelId);
    delete this.state.channels[channelId];
    for (const [token, id] of Object.entries(this.state.requests)) if (id === channelId) delete this.state.requests[token];
    this.mediaOps.delete(channelId);
  }

  private settle(channelId: string, from: ChannelState, to: ChannelState): void {
    const channel = this.state.channels[channelId];
    if (channel?.State === from) this.setState(channel, to);
  }

  private setState(channel: StoredChannel, state: ChannelState): void {
    const from = channel.State;
    channel.State = state;
    this.save();
    const { onStateChange } = this.options;
    if (!onStateChange) return;
    for (const event of stateChangeEvents(this.arn('channel', channel.Id), from, state, pipelineCount(channel.Spec))) {
      setImmediate(() => {
        Promise.resolve()
          .then(() => onStateChange(event))
          .catch((err: unknown) => logger.error('local MediaLive: a state change event\'s target failed', { channelId: channel.Id, error: String(err) }));
      });
    }
  }

  /** Attaches the spec's inputs to the channel (and only those): all or nothing. */
  private attachInputs(channelId: string, spec: ChannelSpec): void {
    const ids = (spec.InputAttachments ?? []).map((a) => a.InputId ?? '');
    for (const id of ids) {
      const input = this.state.inputs[id];
      if (!input) throw badRequest(`input ${id} does not exist`);
      const other = input.AttachedChannels.find((c) => c !== channelId);
      if (other !== undefined) throw badRequest(`input ${id} is already attached to channel ${other}`);
    }
    this.detachInputs(channelId);
    for (const id of ids) {
      const input = this.state.inputs[id];
      if (!input.AttachedChannels.includes(channelId)) input.AttachedChannels.push(channelId);
    }
  }

  private detachInputs(channelId: string): void {
    for (const input of Object.values(this.state.inputs)) {
      input.AttachedChannels = input.AttachedChannels.filter((c) => c !== channelId);
    }
  }

  private fromRequest<T>(requestId: unknown, table: Record<string, T>): T | undefined {
    if (typeof requestId !== 'string') return undefined;
    const id = ownValue(this.state.requests, requestId);
    return id === undefined ? undefined : ownValue(table, id);
  }

  private mustChannel(channelId: unknown): StoredChannel {
    const channel = typeof channelId === 'string' ? ownValue(this.state.channels, channelId) : undefined;
    if (!channel) throw serviceError(NotFoundException, 404, `channel ${String(channelId)} not found`);
    return channel;
  }

  private mustInput(inputId: unknown): StoredInput {
    const input = typeof inputId === 'string' ? ownValue(this.state.inputs, inputId) : undefined;
    if (!input) throw serviceError(NotFoundException, 404, `input ${String(inputId)} not found`);
    return input;
  }

  private after(channelId: string, seconds: number, then: () => void): void {
    this.cancelTimer(channelId);
    const timer = setTimeout(() => {
      this.timers.delete(channelId);
      then();
    }, seconds * 1000);
    this.timers.set(channelId, timer);
  }

  private cancelTimer(channelId: string): void {
    clearTimeout(this.timers.get(channelId));
    this.timers.delete(channelId);
  }

  private enqueueMedia(channelId: string, op: () => Promise<void>): void {
    const next = (this.mediaOps.get(channelId) ?? Promise.resolve()).then(op).catch((err: unknown) => {
      logger.error('local MediaLive media operation failed', { channelId, error: String(err) });
    });
    this.mediaOps.set(channelId, next);
  }

  private newId(): string {
    for (;;) {
      const id = String(randomInt(1_000_000, 10_000_000));
      if (!this.state.inputs[id] && !this.state.channels[id]) return id;
    }
  }

  private arn(kind: 'channel' | 'input', id: string): string {
    return `arn:aws:medialive:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${kind}:${id}`;
  }

  private save(): void {
    this.file.save(this.state);
  }
}

/** As DescribeChannel answers a destination: its unused list kinds as empty lists (aws/aws-sdk-php#2087). */
function describedDestination(destination: OutputDestination): OutputDestination {
  return { Settings: [], MediaPackageSettings: [], ...destination };
}

function pipelineCount(spec: ChannelSpec): number {
  return spec.ChannelClass === 'SINGLE_PIPELINE' ? 1 : 2;
}

function badRequest(message: string) {
  return serviceError(BadRequestException, 400, message);
}

function conflict(channel: StoredChannel, action: string) {
  return serviceError(ConflictException, 409, `channel ${channel.Id} is ${channel.State} and cannot be ${action} now`);
}
