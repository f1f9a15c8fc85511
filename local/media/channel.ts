import { mkdir, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../core/lambda/logger';
import type { MediaTool } from '../ffmpeg';
import type { ChannelMedia } from '../media-plane-contract';
import { InputAlarms, OUTPUT_WRITE_ALERT, PipelineAlarm, type ChannelAlertListener } from './alerts';
import { ArchiveUploader, type ArchiveTarget } from './archive';
import { noteArchiveTarget } from './archive-recovery';
import type { Ingest } from './ingest';
import { startKeyRotation, type KeyRotation } from './keys';
import { LiveHls } from './live-hls';
import { PipelineRun, SEGMENTS_DIR, type RunResult } from './pipeline';
import { sourceAllowed } from './source-cidrs';

export interface ChannelDeps {
  readonly ingest: Ingest;
  readonly s3: S3Client;
  readonly ffmpeg: MediaTool;
  /** Where the channel's alerts go (the MediaLive Channel Alert events of the cloud). */
  readonly onAlert?: ChannelAlertListener;
}

/** HLS segment length (s): MediaPackage-like short segments; a multiple of the keyframe grid. */
const HLS_SEGMENT_SECONDS = 4;
/** Even when the startover window is 0, a live playlist keeps this much (MediaPackage's default manifest window). */
const MIN_WINDOW_SECONDS = 60;
/** A run that fails sooner than this is a failure in a row; after this many the pipeline gives up. */
const QUICK_FAILURE_MS = 10_000;
const MAX_QUICK_FAILURES = 3;

/**
 * Keyframes every 2 s when the archive segment length is even, else every second: both the HLS
 * segment (4 s) and the archive segment are then whole multiples of the grid.
 */
export function keyframeSeconds(segmentLength: number): number {
  return segmentLength % 2 === 0 ? 2 : 1;
}

/**
 * A running channel: one pipeline slot per input stream name (MediaLive's two pipelines), its
 * live HLS in `dir` and its key rotation. Each slot runs one ffmpeg per publish and uploads that
 * pipeline's archive.
 */
export class ChannelRuntime {
  private stopping = false;
  private readonly slots: PipelineSlot[];

  private constructor(
    readonly media: ChannelMedia,
    readonly dir: string,
    readonly deps: ChannelDeps,
    readonly hls: LiveHls,
    readonly keyInfoFile: string | undefined,
    private readonly keys: KeyRotation | undefined,
  ) {
    this.slots = media.streamNames.map((name, index) => new PipelineSlot(this, index, name, media.archive[index]));
    // As MediaLive does for a push input nobody pushes to (the cost guards' idle clock reads it).
    for (const slot of this.slots) if (!deps.ingest.isPublishing(slot.streamName)) slot.inputAlarms.nothingReceived();
  }

  static async start(media: ChannelMedia, dir: string, deps: ChannelDeps): Promise<ChannelRuntime> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(`${dir}/${SEGMENTS_DIR}`, { recursive: true });
    const keys =
      media.keyRotationInterval > 0
        ? await startKeyRotation({
            dir,
            intervalSeconds: media.keyRotationInterval,
            onError: (err) => logger.error('HLS key rotation failed', { channelId: media.channelId, error: String(err) }),
          })
        : undefined;
    const hls = new LiveHls(
      dir,
      { windowSeconds: Math.max(media.startoverWindowSeconds, MIN_WINDOW_SECONDS), segmentSeconds: HLS_SEGMENT_SECONDS },
      keys,
    );
    return new ChannelRuntime(media, dir, deps, hls, keys && relative(dir, keys.infoFile), keys);
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Its own stream names only, and (as MediaLive's input security group) only from its source CIDRs. */
  accepts(streamName: string, sourceAddress: string | undefined): boolean {
    return !this.stopping && this.media.streamNames.includes(streamName) && sourceAllowed(this.media.sourceCidrs, sourceAddress);
  }

  onPublish(streamName: string): void {
    const slot = this.slotOf(streamName);
    slot?.inputAlarms.publisherBack();
    slot?.ensureRunning();
  }

  onPublishEnd(streamName: string): void {
    const slot = this.slotOf(streamName);
    // A channel that is stopping kicked its publishers itself: no input alert for that.
    if (!this.stopping) slot?.inputAlarms.publisherLeft();
    slot?.publishEnded();
  }

  /** Kicks the publishers, ends every run (ffmpeg flushes), uploads the last segments, ends the playlist. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) this.deps.ingest.disconnect(slot.streamName);
    await Promise.all(this.slots.map((slot) => slot.shutdown()));
    await this.hls.end();
    this.keys?.stop();
  }

  private slotOf(streamName: string): PipelineSlot | undefined {
    return this.slots.find((slot) => slot.streamName === streamName);
  }
}

class PipelineSlot {
  private run: PipelineRun | undefined;
  private runs = 0;
  private nextCounter = 1;
  private quickFailures = 0;
  private readonly ending = new Set<PipelineRun>();
  private ops: Promise<void> = Promise.resolve();
  private readonly uploader: ArchiveUploader | undefined;
  private readonly archiveDir: string;
  readonly inputAlarms: InputAlarms;

  constructor(
    private readonly channel: ChannelRuntime,
    private readonly index: number,
    readonly streamName: string,
    private readonly archive: ArchiveTarget | undefined,
  ) {
    this.uploader =
      archive && new ArchiveUploader(channel.deps.s3, archive, new PipelineAlarm(channel.deps.onAlert, channel.media.channelId, index, OUTPUT_WRITE_ALERT));
    this.archiveDir = `archive-${index + 1}`;
    this.inputAlarms = new InputAlarms(channel.deps.onAlert, channel.media.channelId, index);
  }

  private get name(): string {
    return `${this.channel.media.channelId} pipeline ${this.index}`;
  }

  /** Start a run unless one is running: a run serves every publish until the channel stops. */
  ensureRunning(): void {
    this.enqueue(async () => {
      if (this.run || this.channel.stopped) return;
      await mkdir(`${this.channel.dir}/${this.archiveDir}`, { recursive: true });
      if (this.archive) await noteArchiveTarget(`${this.channel.dir}/${this.archiveDir}`, this.archive);
      this.runs += 1;
      const runId = `p${this.index + 1}-r${this.runs}`;
      const media = this.channel.media;
      const run = PipelineRun.start({
        ffmpeg: this.channel.deps.ffmpeg,
        ingest: this.channel.deps.ingest,
        streamName: this.streamName,
        spec: {
          name: this.name,
          runId,
          cwd: this.channel.dir,
          hls: { segmentSeconds: HLS_SEGMENT_SECONDS, keyInfoFile: this.channel.keyInfoFile },
          archive: this.uploader && {
            dir: this.archiveDir,
            segmentLength: media.segmentLength,
            startNumber: this.nextCounter,
          },
          keyframeSeconds: keyframeSeconds(media.segmentLength),
          // Counter n's segment starts at (n - 1) × segmentLength: a run that takes over after a
          // crash starts its timeline there, so the archive's times agree with its counters.
          timelineOffset: (this.nextCounter - 1) * media.segmentLength,
        },
        handlers: {
          onHlsSegment: (segment) => this.channel.hls.add(runId, segment),
          onArchiveSegment: (segment) => this.uploader?.enqueue(segment.file, segment.counter),
        },
      });
      if (!run) return;
      this.run = run;
      // Registered before anyone awaits `done`, so the bookkeeping is current when they resume.
      void run.done.then((result) => this.afterRun(run, runId, result));
    });
  }

  publishEnded(): void {
    if (this.channel.media.runEndsWithPublish) this.endRun();
    else this.run?.publishEnded();
  }

  /** End the current run (ffmpeg flushes) and wait for its archive to be uploaded. */
  async shutdown(): Promise<void> {
    this.endRun();
    await this.ops;
    await this.uploader?.drained();
  }

  /** Ends the current run on purpose: it is not restarted (the next publish starts a new one). */
  private endRun(): void {
    this.enqueue(async () => {
      const run = this.run;
      if (!run) return;
      this.ending.add(run);
      await run.stop();
    });
  }

  private afterRun(run: PipelineRun, runId: string, result: RunResult): void {
    if (this.run === run) this.run = undefined;
    if (result.lastCounter !== undefined) this.nextCounter = result.lastCounter + 1;
    this.channel.hls.endRun(runId);
    const expected = this.ending.delete(run);
    if (expected || this.channel.stopped) return;
    // ffmpeg ended on its own while the channel runs: start again if someone publishes (else the
    // next publish will).
    this.quickFailures = result.lastedMs < QUICK_FAILURE_MS ? this.quickFailures + 1 : 0;
    if (this.quickFailures > MAX_QUICK_FAILURES) {
      logger.error('pipeline keeps failing; it stays down until the next publish', { pipeline: this.name });
      this.quickFailures = 0;
      return;
    }
    setTimeout(() => this.ensureRunning(), 1000 * this.quickFailures).unref();
  }

  private enqueue(op: () => Promise<void>): void {
    this.ops = this.ops.then(op).catch((err: unknown) => {
      logger.error('pipeline operation failed', { pipeline: this.name, error: String(err) });
    });
  }
}
