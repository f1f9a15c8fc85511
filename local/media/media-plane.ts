import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../core/lambda/logger';
import { mediaTools, type MediaTool } from '../ffmpeg';
import type { ChannelMedia, MediaPlane } from '../media-plane-contract';
import { storeLeftoverSegments } from './archive-recovery';
import type { ChannelAlertListener } from './alerts';
import { ChannelRuntime } from './channel';
import { startMediaHttpServer, type LiveLookup } from './http-server';
import { startIngest } from './ingest';

export type { LiveLookup } from './http-server';

/** MediaPackage's endpoint ids (and the IVS stand-in's `ivs-{id}`): one plain path segment. */
const ENDPOINT_ID = /^[A-Za-z0-9_-]{1,256}$/;

export interface MediaPlaneOptions {
  /** RTMP ingest port on 127.0.0.1 (0: any free port). */
  rtmpPort: number;
  /** HLS port on 127.0.0.1 (0: any free port). */
  mediaPort: number;
  /** `LOCAL_DATA_DIR`: live HLS is kept under `{dataDir}/media/` (cleared at every start). */
  dataDir: string;
  /** The local S3 (s3rver) client the archive is uploaded with. */
  s3: S3Client;
  /** Whether a stream is live and on which origin endpoint: serves `/live/{stream_id}/…`. */
  liveLookup: LiveLookup;
  /** Defaults to {@link mediaTools}'s ffmpeg. */
  ffmpeg?: MediaTool;
  /** How long a publish outlives its publisher's disconnect (default node-media-server's 30 s; tests shorten it). */
  publishGraceMs?: number;
  /** Told of every channel alert (e.g. an archive that cannot be written), as MediaLive tells EventBridge. */
  onAlert?: ChannelAlertListener;
}

export interface RunningMediaPlane {
  readonly plane: MediaPlane;
  readonly rtmpPort: number;
  readonly mediaPort: number;
  close(): Promise<void>;
}

/**
 * The local media plane: RTMP ingest, one ffmpeg pipeline per publishing input of a running
 * channel, live HLS at `/out/v1/{endpointId}/index.m3u8`, the live alias, and the archive in the
 * local S3. The control plane drives it through {@link MediaPlane}.
 */
export async function startMediaPlane(options: MediaPlaneOptions): Promise<RunningMediaPlane> {
  const ffmpeg = options.ffmpeg ?? mediaTools().ffmpeg;
  const root = join(options.dataDir, 'media');
  // Live HLS does not survive a restart (its channels are reconciled, and restart with new HLS);
  // the archive does: what a killed run had closed but not yet stored is stored first.
  await storeLeftoverSegments(root, options.s3);
  await rm(root, { recursive: true, force: true });

  const channels = new Map<string, ChannelRuntime>();
  const byStreamName = (name: string) => [...channels.values()].find((c) => c.media.streamNames.includes(name));

  const ingest = await startIngest({
    port: options.rtmpPort,
    publishGraceMs: options.publishGraceMs,
    handlers: {
      accepts: (name, sourceAddress) => byStreamName(name)?.accepts(name, sourceAddress) ?? false,
      onPublish: (name) => byStreamName(name)?.onPublish(name),
      onPublishEnd: (name) => byStreamName(name)?.onPublishEnd(name),
    },
  });
  const http = await startMediaHttpServer({ port: options.mediaPort, root, liveLookup: options.liveLookup }).catch(async (err: unknown) => {
    await ingest.close();
    throw err;
  });

  const stopChannel = async (channelId: string) => {
    const channel = channels.get(channelId);
    if (!channel) return;
    await channel.stop();
    // Removed only once stopped: until then its stream names stay reserved (and rejected).
    if (channels.get(channelId) === channel) channels.delete(channelId);
  };

  const plane: MediaPlane = {
    async startChannel(media: ChannelMedia) {
      const current = channels.get(media.channelId);
      if (current && !current.stopped) return;
      if (current) await stopChannel(media.channelId);
      const taken = media.streamNames.find((name) => byStreamName(name));
      if (taken !== undefined) throw new Error(`channel ${media.channelId}: another running channel uses one of its stream names`);
      const channel = await ChannelRuntime.start(media, join(root, media.endpointId), { ingest, s3: options.s3, ffmpeg, onAlert: options.onAlert });
      channels.set(media.channelId, channel);
      logger.debug('media plane: channel running', { channelId: media.channelId, endpointId: media.endpointId });
    },
    stopChannel,
    async removeEndpoint(endpointId: string) {
      // The id becomes a path under `root`: nothing but a plain name may reach `rm`.
      if (!ENDPOINT_ID.test(endpointId)) throw new Error(`not an origin endpoint id: ${JSON.stringify(endpointId)}`);
      const feeding = [...channels.values()].filter((c) => c.media.endpointId === endpointId);
      await Promise.all(feeding.map((c) => stopChannel(c.media.channelId)));
      await rm(join(root, endpointId), { recursive: true, force: true });
      logger.debug('media plane: endpoint removed', { endpointId });
    },
    isPublishing(channelId) {
      return channels.get(channelId)?.media.streamNames.some((name) => ingest.isPublishing(name)) ?? false;
    },
    disconnectPublishers(channelId) {
      for (const name of channels.get(channelId)?.media.streamNames ?? []) ingest.disconnect(name);
    },
    async close() {
      await Promise.all([...channels.keys()].map(stopChannel));
    },
  };

  return {
    plane,
    rtmpPort: ingest.port,
    mediaPort: http.port,
    async close() {
      await plane.close();
      await ingest.close();
      await http.close();
    },
  };
}
