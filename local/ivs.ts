import { randomBytes } from 'node:crypto';
import type * as Ivs from '@aws-sdk/client-ivs';
import {
  ChannelNotBroadcasting,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ValidationException,
  type Channel,
  ChannelLatencyMode,
  ChannelType,
  type CreateChannelCommandInput,
  type StreamKey,
} from '@aws-sdk/client-ivs';
import { z } from 'zod';
import { logger } from '../core/lambda/logger';
import { ownValue } from '../core/domain/own';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import type { ChannelMedia, MediaPlane } from './media-plane-contract';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';
import { JsonStateFile } from './state-files';

export interface LocalIvsOptions {
  /** The local RTMP ingest (the media plane's): a channel's ingest endpoint is `127.0.0.1:{rtmpPort}`. */
  rtmpPort: number;
  /** The local media HTTP server: playback is `http://127.0.0.1:{mediaPort}/out/v1/ivs-{id}/index.m3u8`. */
  mediaPort: number;
  /** Accepts the channel's publish and serves its HLS; none = bookkeeping only (unit tests). */
  mediaPlane?: MediaPlane;
  /** JSON state file; none = in memory. */
  stateFile?: string;
}

const StoredChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  latencyMode: z.enum(ChannelLatencyMode),
  type: z.enum(ChannelType),
  tags: z.record(z.string(), z.string()),
  keyId: z.string(),
  key: z.string(),
});
type StoredChannel = z.infer<typeof StoredChannelSchema>;
const StateSchema = z.object({ channels: z.record(z.string(), StoredChannelSchema) });
type State = z.infer<typeof StateSchema>;

/** IVS keeps a few seconds of live HLS; a minute of startover costs nothing locally. */
const PLAYBACK_WINDOW_SECONDS = 60;
const NAME = /^[a-zA-Z0-9-_]{0,128}$/;

/**
 * Amazon IVS, locally: channels with one stream key each, whose ingest is the local RTMP server
 * (stream name `app/{key}`, as IVS's `rtmps://{ingest}:443/app/{key}`) and whose playback is HLS
 * from the local media server. Unlike a MediaLive channel an IVS channel takes a publish at any
 * time, so the media plane accepts it from creation until deletion. Commands: CreateChannel,
 * GetChannel, ListChannels, DeleteChannel, ListStreamKeys, GetStreamKey, CreateStreamKey, and
 * ListStreams / StopStream over the media plane's publishers (a channel's stream is live while
 * someone pushes to it), and TagResource on channels.
 *
 * The contract with the media plane: `startChannel` with `archive: []` (IVS records nothing here),
 * channel and endpoint id `ivs-{id}`, a pipeline only while someone publishes (`runEndsWithPublish`);
 * `stopChannel('ivs-{id}')` at deletion.
 */
export class LocalIvs {
  readonly service: LocalService;
  private readonly file: JsonStateFile<State>;
  private readonly state: State;

  constructor(private readonly options: LocalIvsOptions) {
    this.file = new JsonStateFile(options.stateFile, StateSchema);
    this.state = this.file.load({ channels: {} });
    this.service = serviceFromHandlers<typeof Ivs>('IVS', {
      CreateChannelCommand: (input) => this.createChannel(input),
      GetChannelCommand: (input) => ({ channel: this.describe(this.mustChannel(input.arn)) }),
      ListChannelsCommand: (input) => ({
        channels: Object.values(this.state.channels)
          .filter((c) => !input.filterByName || c.name.includes(input.filterByName))
          .map((c) => {
            const { arn, name, latencyMode, type, tags } = this.describe(c);
            return { arn, name, latencyMode, type, tags };
          }),
      }),
      DeleteChannelCommand: (input) => this.deleteChannel(input.arn),
      ListStreamKeysCommand: (input) => {
        const c = this.mustChannel(input.channelArn);
        return { streamKeys: [{ arn: this.keyArn(c), channelArn: this.arn(c.id), tags: {} }] };
      },
      GetStreamKeyCommand: (input) => {
        const c = Object.values(this.state.channels).find((ch) => this.keyArn(ch) === input.arn);
        if (!c) throw notFound(`stream key ${String(input.arn)} not found`);
        return { streamKey: this.streamKey(c) };
      },
      // "Gets summary information about live streams" (IVS API Reference, ListStreams): only
      // channels someone pushes to now; the OFFLINE state is never listed ("Do not rely on the
      // OFFLINE state", StreamSummary.state).
      ListStreamsCommand: () => ({
        streams: Object.values(this.state.channels)
          .filter((c) => this.options.mediaPlane?.isPublishing(`ivs-${c.id}`))
          .map((c) => ({ channelArn: this.arn(c.id), streamId: `st-${c.id}`, state: 'LIVE' as const, health: 'HEALTHY' as const, viewerCount: 0 })),
      }),
      // "Disconnects the incoming RTMPS stream for the specified channel"; a channel with none
      // live is ChannelNotBroadcasting, HTTP 404 (IVS API Reference, StopStream, Errors).
      StopStreamCommand: (input) => {
        const c = this.mustChannel(input.channelArn);
        if (!this.options.mediaPlane?.isPublishing(`ivs-${c.id}`)) {
          throw serviceError(ChannelNotBroadcasting, 404, 'The stream is offline for the given channel ARN.');
        }
        this.options.mediaPlane.disconnectPublishers(`ivs-${c.id}`);
        return {};
      },
      // "Adds or updates tags for the Amazon Web Services resource with the specified ARN" (IVS API Reference, TagResource).
      TagResourceCommand: (input) => {
        const channel = this.mustChannel(input.resourceArn);
        channel.tags = { ...channel.tags, ...input.tags };
        this.file.save(this.state);
        return {};
      },
      CreateStreamKeyCommand: (input) => {
        // IVS allows one key per channel, which every channel here already has.
        this.mustChannel(input.channelArn);
        throw serviceError(ServiceQuotaExceededException, 402, 'a channel has at most one stream key');
      },
    });
  }

  /** Makes the saved channels publishable again (after a restart); call once the media plane is up. */
  async start(): Promise<void> {
    for (const channel of Object.values(this.state.channels)) await this.options.mediaPlane?.startChannel(this.media(channel));
  }

  private async createChannel(input: CreateChannelCommandInput) {
    const name = input.name ?? '';
    if (!NAME.test(name)) throw serviceError(ValidationException, 400, 'channel name must match [a-zA-Z0-9-_]{0,128}');
    const channel: StoredChannel = {
      id: randomBytes(6).toString('hex'),
      name,
      latencyMode: input.latencyMode ?? 'LOW',
      type: input.type ?? 'STANDARD',
      tags: input.tags ?? {},
      keyId: randomBytes(6).toString('hex'),
      key: `sk_${LOCAL_REGION}_${randomBytes(18).toString('base64url').replace(/[^A-Za-z0-9]/g, '0')}`,
    };
    this.state.channels[channel.id] = channel;
    this.file.save(this.state);
    await this.options.mediaPlane?.startChannel(this.media(channel));
    logger.debug('local IVS channel created', { channel: this.arn(channel.id) });
    return { channel: this.describe(channel), streamKey: this.streamKey(channel) };
  }

  private async deleteChannel(arn: string | undefined) {
    const channel = this.mustChannel(arn);
    delete this.state.channels[channel.id];
    this.file.save(this.state);
    // Its playback URL serves nothing once the channel is gone (the media plane stops it first).
    await this.options.mediaPlane?.removeEndpoint(`ivs-${channel.id}`);
    return {};
  }

  private mustChannel(arn: string | undefined): StoredChannel {
    const id = (arn ?? '').replace(/^.*:channel\//, '');
    const channel = ownValue(this.state.channels, id);
    if (!channel || this.arn(id) !== arn) throw notFound(`channel ${String(arn)} not found`);
    return channel;
  }

  private arn(id: string): string {
    return `arn:aws:ivs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:channel/${id}`;
  }

  private keyArn(channel: StoredChannel): string {
    return `arn:aws:ivs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stream-key/${channel.keyId}`;
  }

  private streamKey(channel: StoredChannel): StreamKey {
    return { arn: this.keyArn(channel), value: channel.key, channelArn: this.arn(channel.id), tags: {} };
  }

  private describe(channel: StoredChannel): Channel {
    return {
      arn: this.arn(channel.id),
      name: channel.name,
      latencyMode: channel.latencyMode,
      type: channel.type,
      ingestEndpoint: `127.0.0.1:${this.options.rtmpPort}`,
      playbackUrl: `http://127.0.0.1:${this.options.mediaPort}/out/v1/ivs-${channel.id}/index.m3u8`,
      authorized: false,
      recordingConfigurationArn: '',
      tags: channel.tags,
    };
  }

  private media(channel: StoredChannel): ChannelMedia {
    return {
      channelId: `ivs-${channel.id}`,
      streamNames: [`app/${channel.key}`],
      endpointId: `ivs-${channel.id}`,
      startoverWindowSeconds: PLAYBACK_WINDOW_SECONDS,
      keyRotationInterval: 0,
      archive: [],
      segmentLength: 10,
      // An IVS stream ends with its publish: no ffmpeg waits on after ivs_stop.
      runEndsWithPublish: true,
    };
  }
}

function notFound(message: string) {
  return serviceError(ResourceNotFoundException, 404, message);
}
