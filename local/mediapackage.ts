import { NotFoundException, UnprocessableEntityException } from '@aws-sdk/client-mediapackage';
import { z } from 'zod';
import { ownValue } from '../core/domain/own';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import type { MediaPlane } from './media-plane';
import type { PackageOrigins } from './medialive';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';
import { JsonStateFile } from './state-files';

export interface LocalMediaPackageOptions {
  /** Where the media plane serves HLS: endpoint URLs are `http://127.0.0.1:{port}/out/v1/{id}/index.m3u8`. */
  mediaPort: number;
  stateFile?: string;
  now?: () => Date;
  /** Told when an origin endpoint is deleted, so what it served goes with it (the media plane). */
  mediaPlane?: Pick<MediaPlane, 'removeEndpoint'>;
}

const StoredChannelSchema = z.object({
  Id: z.string(),
  Description: z.string().optional(),
  Tags: z.record(z.string(), z.string()).optional(),
  CreatedAt: z.string(),
});
/** An origin endpoint: the request's fields as sent (updated in place), plus the service's own. */
const StoredEndpointSchema = z.looseObject({ Id: z.string(), ChannelId: z.string(), CreatedAt: z.string() });
const StateSchema = z.object({
  channels: z.record(z.string(), StoredChannelSchema),
  endpoints: z.record(z.string(), StoredEndpointSchema),
});
type State = z.infer<typeof StateSchema>;
type StoredEndpoint = z.infer<typeof StoredEndpointSchema> & Record<string, any>;

const ENDPOINT_FIELDS = ['Authorization', 'Description', 'HlsPackage', 'Origination', 'StartoverWindowSeconds', 'Tags', 'TimeDelaySeconds', 'Whitelist'];
/** The local media plane serves `index.m3u8` only. */
const MANIFEST_NAME = 'index';
/** 14 days: https://docs.aws.amazon.com/mediapackage/latest/ug/time-shifted.html */
const MAX_STARTOVER_SECONDS = 1_209_600;
/** MediaPackage's default key rotation when HLS encryption doesn't say. */
const DEFAULT_KEY_ROTATION_SECONDS = 60;
/** AWS::MediaPackage::Channel Id's pattern and length (CloudFormation resource reference). */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * MediaPackage (v1), locally: channels and HLS origin endpoints. An endpoint's `Url` is where the
 * local media plane serves the stream; its startover window and HLS encryption (with key rotation)
 * are what the media plane applies when the MediaLive channel feeding it starts.
 */
export class LocalMediaPackage implements PackageOrigins {
  readonly service: LocalService;
  private readonly state: State;
  private readonly file: JsonStateFile<State>;
  private readonly now: () => Date;

  constructor(private readonly options: LocalMediaPackageOptions) {
    this.now = options.now ?? (() => new Date());
    this.file = new JsonStateFile(options.stateFile, StateSchema);
    this.state = this.file.load({ channels: {}, endpoints: {} });
    this.service = serviceFromHandlers('MediaPackage', {
      CreateChannelCommand: (input) => this.createChannel(input),
      DescribeChannelCommand: (input) => this.describeChannel(this.mustChannel(input.Id)),
      DeleteChannelCommand: (input) => this.deleteChannel(input.Id),
      CreateOriginEndpointCommand: (input) => this.createEndpoint(input),
      DescribeOriginEndpointCommand: (input) => this.describeEndpoint(this.mustEndpoint(input.Id)),
      UpdateOriginEndpointCommand: (input) => this.updateEndpoint(input),
      DeleteOriginEndpointCommand: (input) => this.deleteEndpoint(input.Id),
      ListOriginEndpointsCommand: (input) => this.listEndpoints(input),
    });
  }

  /** The HLS endpoint a MediaLive channel feeding `packageChannelId` serves through (the oldest, if several). */
  originOf(packageChannelId: string) {
    const endpoint = Object.values(this.state.endpoints)
      .filter((e) => e.ChannelId === packageChannelId && e.HlsPackage)
      .sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt))[0] as StoredEndpoint | undefined;
    if (!endpoint) return undefined;
    const encryption = endpoint.HlsPackage?.Encryption;
    return {
      endpointId: endpoint.Id,
      startoverWindowSeconds: endpoint.StartoverWindowSeconds ?? 0,
      // The media plane's contract: 0 = clear HLS, else AES-128 rotated every this many seconds.
      keyRotationInterval: encryption ? (encryption.KeyRotationIntervalSeconds ?? DEFAULT_KEY_ROTATION_SECONDS) : 0,
    };
  }

  private createChannel(input: Record<string, any>) {
    const id = validId(input.Id);
    if (ownValue(this.state.channels, id)) throw unprocessable(`channel ${id} already exists`);
    const channel = { Id: id, Description: input.Description, Tags: input.Tags, CreatedAt: this.now().toISOString() };
    this.state.channels[id] = channel;
    this.save();
    return this.describeChannel(channel);
  }

  private describeChannel(channel: z.infer<typeof StoredChannelSchema>) {
    return {
      Arn: this.arn('channels', channel.Id),
      CreatedAt: channel.CreatedAt,
      Description: channel.Description,
      // MediaLive feeds local channels through its MediaPackage output group: no ingest credentials.
      HlsIngest: { IngestEndpoints: [] },
      Id: channel.Id,
      Tags: channel.Tags ?? {},
    };
  }

  private deleteChannel(id: string) {
    this.mustChannel(id);
    const endpoints = Object.values(this.state.endpoints).filter((e) => e.ChannelId === id);
    if (endpoints.length > 0) {
      throw unprocessable(`channel ${id} still has origin endpoints: ${endpoints.map((e) => e.Id).join(', ')}`);
    }
    delete this.state.channels[id];
    this.save();
    return {};
  }

  private createEndpoint(input: Record<string, any>) {
    const id = validId(input.Id);
    if (ownValue(this.state.endpoints, id)) throw unprocessable(`origin endpoint ${id} already exists`);
    if (!ownValue(this.state.channels, input.ChannelId)) throw serviceError(NotFoundException, 404, `channel ${input.ChannelId} not found`);
    if (!input.HlsPackage || input.CmafPackage || input.DashPackage || input.MssPackage) {
      throw unprocessable('only HLS packaging (HlsPackage) is available locally');
    }
    checkManifestName(input);
    const endpoint: StoredEndpoint = { ...pickEndpointFields(input), Id: id, ChannelId: input.ChannelId, CreatedAt: this.now().toISOString() };
    checkStartover(endpoint);
    this.state.endpoints[id] = endpoint;
    this.save();
    return this.describeEndpoint(endpoint);
  }

  private describeEndpoint(endpoint: StoredEndpoint) {
    return {
      Origination: 'ALLOW',
      StartoverWindowSeconds: 0,
      TimeDelaySeconds: 0,
      Whitelist: [],
      Tags: {},
      ...endpoint,
      Arn: this.arn('origin_endpoints', endpoint.Id),
      ManifestName: MANIFEST_NAME,
      Url: `http://127.0.0.1:${this.options.mediaPort}/out/v1/${endpoint.Id}/${MANIFEST_NAME}.m3u8`,
    };
  }

  private updateEndpoint(input: Record<string, any>) {
    const endpoint = this.mustEndpoint(input.Id);
    if (input.CmafPackage || input.DashPackage || input.MssPackage) throw unprocessable('only HLS packaging is available locally');
    checkManifestName(input);
    const updated: StoredEndpoint = { ...endpoint, ...pickEndpointFields(input) };
    checkStartover(updated);
    this.state.endpoints[endpoint.Id] = updated;
    this.save();
    return this.describeEndpoint(updated);
  }

  private async deleteEndpoint(id: string) {
    this.mustEndpoint(id);
    delete this.state.endpoints[id];
    this.save();
    // A deleted endpoint's URL answers 404 at once, as MediaPackage's does.
    await this.options.mediaPlane?.removeEndpoint(id);
    return {};
  }

  private listEndpoints(input: Record<string, any>) {
    const endpoints = Object.values(this.state.endpoints)
      .filter((e) => input.ChannelId === undefined || e.ChannelId === input.ChannelId)
      .sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt));
    return { OriginEndpoints: endpoints.map((e) => this.describeEndpoint(e)) };
  }

  private mustChannel(id: unknown) {
    const channel = typeof id === 'string' ? ownValue(this.state.channels, id) : undefined;
    if (!channel) throw serviceError(NotFoundException, 404, `channel ${String(id)} not found`);
    return channel;
  }

  private mustEndpoint(id: unknown): StoredEndpoint {
    const endpoint = typeof id === 'string' ? ownValue(this.state.endpoints, id) : undefined;
    if (!endpoint) throw serviceError(NotFoundException, 404, `origin endpoint ${String(id)} not found`);
    return endpoint;
  }

  private arn(kind: string, id: string): string {
    return `arn:aws:mediapackage:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${kind}/${id}`;
  }

  private save(): void {
    this.file.save(this.state);
  }
}

function pickEndpointFields(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(ENDPOINT_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
}

function validId(id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw unprocessable(`Id must match ${ID_PATTERN}`);
  return id;
}

function checkManifestName(input: Record<string, any>): void {
  if (input.ManifestName !== undefined && input.ManifestName !== MANIFEST_NAME) {
    throw unprocessable(`the local media plane serves ${MANIFEST_NAME}.m3u8 only; ManifestName ${input.ManifestName} is not available locally`);
  }
}

function checkStartover(endpoint: StoredEndpoint): void {
  const seconds = endpoint.StartoverWindowSeconds;
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_STARTOVER_SECONDS)) {
    throw unprocessable(`StartoverWindowSeconds must be an integer 0–${MAX_STARTOVER_SECONDS}`);
  }
}

function unprocessable(message: string) {
  return serviceError(UnprocessableEntityException, 422, message);
}
