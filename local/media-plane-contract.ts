/**
 * The contract between the local control plane (the MediaLive-like service, which knows channel
 * states) and the local media plane (RTMP ingest, ffmpeg pipelines, HLS, archive). The control
 * plane calls it when a channel reaches RUNNING or stops; the media plane never touches the store.
 */
export interface ChannelMedia {
  readonly channelId: string;
  /** The RTMP stream names this channel accepts (`{app}/{key}`), one per input destination. */
  readonly streamNames: readonly string[];
  /** MediaPackage-like origin endpoint id: HLS is served at `/out/v1/{endpointId}/index.m3u8`. */
  readonly endpointId: string;
  readonly startoverWindowSeconds: number;
  /** 0 = clear HLS; else AES-128 with a new key every this many seconds. */
  readonly keyRotationInterval: number;
  /**
   * Where archive segments go: `s3://{bucket}/{prefix}{baseName}.{counter:06d}.ts`, each of
   * exactly `segmentLength` seconds, uploaded once closed. One entry per pipeline (MediaLive
   * writes `_1` and `_2` destinations).
   */
  readonly archive: readonly { bucket: string; keyBase: string }[];
  readonly segmentLength: number;
  /**
   * The addresses (CIDRs) a publish may come from: the input security group's whitelist, outside
   * which MediaLive ignores a push. Absent: any address (an IVS channel has no such rule).
   */
  readonly sourceCidrs?: readonly string[];
  /**
   * A run ends with its publish (IVS: a stream exists only while someone pushes), instead of waiting
   * for the next publish until the channel stops (MediaLive: the channel runs, and is paid for, regardless).
   */
  readonly runEndsWithPublish?: boolean;
}

export interface MediaPlane {
  /** Accept publishes on the channel's stream names and serve/record what arrives. */
  startChannel(channel: ChannelMedia): Promise<void>;
  /** Stop accepting publishes, end the pipelines, flush the last archive segment. */
  stopChannel(channelId: string): Promise<void>;
  /**
   * The origin endpoint was deleted: stop any channel feeding it and remove its live files, so it
   * serves nothing from now on. The archive (in S3) stays.
   */
  removeEndpoint(endpointId: string): Promise<void>;
  /** Whether a publisher pushes to any of the channel's stream names now (IVS's live stream, ListStreams). */
  isPublishing(channelId: string): boolean;
  /** Drops the channel's publishers and keeps the channel (IVS StopStream); they may publish again. */
  disconnectPublishers(channelId: string): void;
  /** Everything off, for shutdown. */
  close(): Promise<void>;
}
