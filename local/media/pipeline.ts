import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { logger } from '../../core/lambda/logger';
import { redactText } from '../../core/domain/redact';
import type { MediaTool } from '../ffmpeg';
import { spawnManaged, type ManagedProcess, type ProcessExit } from '../processes';
import { FlvRetimer } from './flv-retime';
import { parseRunPlaylist, type RunSegment } from './hls-playlist';
import type { Ingest } from './ingest';

/**
 * One pipeline run: one ffmpeg fed in-process with what is published on one stream name, writing
 * (a) HLS segments (AES-128 when a key info file is given) and (b) archive segments of exactly
 * `segmentLength` seconds, both from a single encode (tee muxer). Keyframes are forced on a fixed
 * grid that both segment lengths are multiples of, so every archive segment starts on a keyframe
 * at exactly `n × segmentLength` and holds exactly `segmentLength × fps` frames.
 *
 * A run lasts from the first publish on its stream name until the channel stops, across any
 * number of publishes: between them ffmpeg just waits for input, and {@link FlvRetimer} makes the
 * next publish continue the same timeline. So the archive keeps exact segment lengths and the
 * live playlist runs on whatever the publisher does.
 *
 * ffmpeg reads FLV on stdin: closing stdin is how a run ends (ffmpeg then closes its last
 * segments and lists them), and it is also how ffmpeg learns that the runtime died.
 */
export interface RunSpec {
  /** For logs: `{channelId} pipeline {n}`. */
  readonly name: string;
  /** Unique per endpoint, in file names: `p1-r2`. */
  readonly runId: string;
  /** The endpoint's directory, ffmpeg's working directory: every path below is relative to it. */
  readonly cwd: string;
  readonly hls: { readonly segmentSeconds: number; readonly keyInfoFile: string | undefined };
  readonly archive: { readonly dir: string; readonly segmentLength: number; readonly startNumber: number } | undefined;
  readonly keyframeSeconds: number;
  /** Where this run's timeline starts (s), so a channel's archive timestamps run on across runs. */
  readonly timelineOffset: number;
}

export const SEGMENTS_DIR = 'segments';
/** ffmpeg's own playlist lists its last few segments; we look far more often than one is made. */
const RUN_PLAYLIST_SIZE = 10;
const POLL_MS = 500;

export function runPlaylistPath(spec: Pick<RunSpec, 'runId'>): string {
  return `${SEGMENTS_DIR}/${spec.runId}.m3u8`;
}

export function archiveListPath(spec: Pick<RunSpec, 'runId' | 'archive'>): string | undefined {
  return spec.archive && `${spec.archive.dir}/${spec.runId}.csv`;
}

/** The tee muxer's slave options: `key=value` pairs joined by `:`. Paths are relative and plain. */
function slave(options: Record<string, string | number>, target: string): string {
  const pairs = Object.entries(options).map(([key, value]) => `${key}=${value}`);
  return `[${pairs.join(':')}]${target}`;
}

export function pipelineArgs(spec: RunSpec): string[] {
  const hls: Record<string, string | number> = {
    f: 'hls',
    hls_time: spec.hls.segmentSeconds,
    hls_list_size: RUN_PLAYLIST_SIZE,
    hls_segment_filename: `${SEGMENTS_DIR}/${spec.runId}-%06d.ts`,
  };
  if (spec.hls.keyInfoFile) Object.assign(hls, { hls_key_info_file: spec.hls.keyInfoFile, hls_flags: 'periodic_rekey' });
  const slaves = [slave(hls, runPlaylistPath(spec))];
  if (spec.archive) {
    slaves.push(
      slave(
        {
          f: 'segment',
          segment_format: 'mpegts',
          segment_time: spec.archive.segmentLength,
          // Forced keyframes sit exactly on the boundary; the delta absorbs timestamp rounding.
          segment_time_delta: 0.05,
          segment_start_number: spec.archive.startNumber,
          segment_list: archiveListPath(spec)!,
          segment_list_type: 'csv',
        },
        `${spec.archive.dir}/archive.%06d.ts`,
      ),
    );
  }
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'warning',
    // node-media-server's FLV header always announces audio; a publish without it would
    // otherwise hold the start for ffmpeg's default 5 s of analysis.
    '-analyzeduration',
    '1500000',
    '-f',
    'flv',
    '-i',
    'pipe:0',
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-force_key_frames',
    `expr:gte(t,n_forced*${spec.keyframeSeconds})`,
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-max_muxing_queue_size',
    '1024',
    '-output_ts_offset',
    String(spec.timelineOffset),
    '-f',
    'tee',
    slaves.join('|'),
  ];
}

export interface ArchiveSegment {
  /** Absolute path of the closed segment file. */
  readonly file: string;
  readonly counter: number;
  /** Times on the run's timeline (s), as the segment muxer lists them. */
  readonly start: number;
  readonly end: number;
}

export interface RunHandlers {
  onHlsSegment(segment: RunSegment & { file: string }): void;
  onArchiveSegment(segment: ArchiveSegment): void;
}

export interface RunResult {
  readonly exit: ProcessExit;
  readonly lastCounter: number | undefined;
  /** How long the run lasted (ms). */
  readonly lastedMs: number;
}

export class PipelineRun {
  private hlsSeen = -1;
  private csvOffset = 0;
  private csvRest = '';
  private lastCounter: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  readonly done: Promise<RunResult>;

  private constructor(
    private readonly spec: RunSpec,
    private readonly process: ManagedProcess,
    private readonly retimer: FlvRetimer,
    private readonly detach: () => void,
    private readonly handlers: RunHandlers,
  ) {
    const startedAt = Date.now();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.done = process.exited.then(async (exit) => {
      clearInterval(this.timer);
      this.detach();
      await this.poll();
      if (exit.code !== 0) {
        logger.warn('pipeline ffmpeg ended with an error', {
          pipeline: spec.name,
          code: exit.code,
          signal: exit.signal,
          stderr: redactText(process.stderrTail()),
        });
      }
      return { exit, lastCounter: this.lastCounter, lastedMs: Date.now() - startedAt };
    });
  }

  /** Starts ffmpeg on what `streamName` publishes; undefined when nothing publishes on it. */
  static start(options: { ffmpeg: MediaTool; ingest: Ingest; streamName: string; spec: RunSpec; handlers: RunHandlers }): PipelineRun | undefined {
    const { ffmpeg, ingest, streamName, spec } = options;
    if (!ingest.isPublishing(streamName)) return undefined;
    const child = spawnManaged(ffmpeg.path, pipelineArgs(spec), {
      name: spec.name,
      parentDeath: 'stdin',
      cwd: spec.cwd,
      env: ffmpeg.env,
    });
    const stdin = child.stdin!;
    const retimer = new FlvRetimer();
    // The subscription outlives publishes: node-media-server keeps a subscribed stream path and
    // hands it the next publisher's tags.
    const subscription = ingest.subscribe(streamName, (chunk) => {
      if (!stdin.writableEnded) stdin.write(retimer.retime(chunk));
    });
    if (!subscription) {
      void child.stop();
      return undefined;
    }
    return new PipelineRun(spec, child, retimer, () => subscription.close(), options.handlers);
  }

  /** The publish ended for good; the next one (if any) continues this run's timeline. */
  publishEnded(): void {
    this.retimer.rebase();
  }

  /** Ends the input; ffmpeg closes and lists its last segments; resolves once they are handed on. */
  async stop(): Promise<RunResult> {
    this.detach();
    await this.process.stop();
    return this.done;
  }

  private poll(): Promise<void> {
    this.polling = this.polling.then(() => this.readOutputs()).catch((err: unknown) => {
      logger.warn('pipeline output could not be read', { pipeline: this.spec.name, error: String(err) });
    });
    return this.polling;
  }

  private async readOutputs(): Promise<void> {
    const playlist = await readFile(join(this.spec.cwd, runPlaylistPath(this.spec)), 'utf8').catch(() => '');
    for (const segment of parseRunPlaylist(playlist)) {
      if (segment.sequence <= this.hlsSeen) continue;
      this.hlsSeen = segment.sequence;
      this.handlers.onHlsSegment({ ...segment, file: join(this.spec.cwd, SEGMENTS_DIR, basename(segment.uri)) });
    }
    const list = archiveListPath(this.spec);
    if (list) {
      for (const line of await this.newLines(join(this.spec.cwd, list))) {
        const [name, start, end] = line.split(',');
        const counter = Number(/\.(\d+)\.ts$/.exec(name ?? '')?.[1]);
        if (!name || !Number.isInteger(counter)) continue;
        this.lastCounter = counter;
        this.handlers.onArchiveSegment({
          file: join(this.spec.cwd, this.spec.archive!.dir, basename(name)),
          counter,
          start: Number(start),
          end: Number(end),
        });
      }
    }
  }

  /** Whole lines appended to the segment list since the last look. */
  private async newLines(file: string): Promise<string[]> {
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) return [];
    try {
      const { size } = await handle.stat();
      if (size <= this.csvOffset) return [];
      const buffer = Buffer.alloc(size - this.csvOffset);
      await handle.read(buffer, 0, buffer.length, this.csvOffset);
      this.csvOffset = size;
      const text = this.csvRest + buffer.toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.csvRest = text.slice(cut + 1);
      return text
        .slice(0, Math.max(cut, 0))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    } finally {
      await handle.close();
    }
  }
}
