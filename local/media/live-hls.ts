import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { logger } from '../../core/lambda/logger';
import { LiveWindow, renderLivePlaylist, type LiveSegment, type RunSegment } from './hls-playlist';
import type { KeyRotation } from './keys';
import { SEGMENTS_DIR } from './pipeline';

export const LIVE_PLAYLIST = 'index.m3u8';

/**
 * A channel's live HLS: `{dir}/index.m3u8` composed from the segments of its pipeline runs.
 *
 * One run at a time is the source (MediaPackage likewise plays one pipeline): the first run to
 * deliver a segment becomes it and stays it while it delivers. When it ends, or has delivered
 * nothing for two segment lengths (its publisher left) while another run delivers, that other run
 * takes over after a discontinuity: MediaPackage's input failover. Segments of the runs that are
 * not the source are not shown and are deleted at once.
 * Segments that leave the window are deleted a few segments later, so a player that read the
 * playlist just before can still fetch them.
 */
const KEEP_DROPPED = 6;

export class LiveHls {
  private readonly window: LiveWindow;
  private source: string | undefined;
  private anySegment = false;
  /** The next segment starts a new source: a discontinuity, unless it is the very first. */
  private justSwitched = true;
  private readonly dropped: LiveSegment[] = [];
  private writes: Promise<void> = Promise.resolve();
  private sourceSeenAt = 0;
  private readonly stallMs: number;

  constructor(
    private readonly dir: string,
    options: { windowSeconds: number; segmentSeconds: number },
    private readonly keys: KeyRotation | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.window = new LiveWindow(options.windowSeconds, options.segmentSeconds);
    this.stallMs = 2 * options.segmentSeconds * 1000;
  }

  /** A segment run `runId` finished. */
  add(runId: string, segment: RunSegment & { file: string }): void {
    const now = this.now();
    if (this.source !== undefined && this.source !== runId && now - this.sourceSeenAt > this.stallMs) {
      this.source = undefined;
      this.justSwitched = true;
    }
    this.source ??= runId;
    if (this.source !== runId) {
      void rm(segment.file, { force: true });
      return;
    }
    this.sourceSeenAt = now;
    const dropped = this.window.append({
      uri: `${SEGMENTS_DIR}/${basename(segment.file)}`,
      duration: segment.duration,
      key: segment.key,
      discontinuity: this.anySegment && this.justSwitched,
    });
    this.justSwitched = false;
    this.anySegment = true;
    this.dropped.push(...dropped);
    const expired = this.dropped.splice(0, Math.max(0, this.dropped.length - KEEP_DROPPED));
    this.write(expired);
  }

  /** Run `runId` ended: the next run that delivers a segment becomes the source. */
  endRun(runId: string): void {
    if (this.source !== runId) return;
    this.source = undefined;
    this.justSwitched = true;
  }

  /** The channel stopped: the playlist gets `EXT-X-ENDLIST`. */
  async end(): Promise<void> {
    this.window.end();
    this.write([]);
    await this.writes;
  }

  private write(expired: LiveSegment[]): void {
    const text = renderLivePlaylist(this.window.state);
    const kept = [...this.window.state.segments, ...this.dropped];
    this.writes = this.writes
      .then(async () => {
        const file = join(this.dir, LIVE_PLAYLIST);
        if (this.anySegment) {
          await writeFile(`${file}.tmp`, text);
          await rename(`${file}.tmp`, file);
        }
        await Promise.all(expired.map((s) => rm(join(this.dir, s.uri), { force: true })));
        if (this.keys && expired.length > 0) {
          await this.keys.retainOnly(new Set(kept.flatMap((s) => (s.key ? [s.key.uri] : []))));
        }
      })
      .catch((err: unknown) => logger.warn('live playlist could not be written', { dir: this.dir, error: String(err) }));
  }
}
