import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseArchivePath } from '../core/domain/archive-path';
import { parseVodPlaylist, renderVodPlaylist } from '../core/domain/hls-playlist';
import { firstPresentation, frameTicks, pesTimings, signedTicks } from '../core/domain/mpegts';
import { TICKS_PER_SECOND, frameOfTimecode, frameRateOfTicks, framesPerSecond, type FrameRate } from '../core/domain/timecode';
import type { MediaTool } from './ffmpeg';
import { spawnManaged, type ManagedProcess } from './processes';

/**
 * What the local MediaConvert does with one job: the settings the split sends (one HLS input
 * clipped by `InputClippings` against `ZEROBASED` timecode, one MP4 file output), done by ffmpeg.
 *
 * The playlist is read with the strict reader (a playlist MediaConvert would refuse fails the job
 * here too), its segments are fetched from S3 into a work directory, and ffmpeg reads them through
 * a copy of the playlist. The clip is made by output seeking (`-ss`/`-t` after `-i`) and a
 * re-encode: the npm ffmpeg (2018) seeks inputs inaccurately, and decoding from the playlist's
 * start is also what makes frame counts line up with zero-based timecode.
 *
 * Zero-based timecode counts video frames from the playlist's first one. ffmpeg's output clock
 * starts at the earliest stream, so when audio starts before video, video frame F is at
 * `lead + F / fps`; `lead` is read from the first segment's timestamps. The cut is aimed a
 * millisecond early, so rounding can never push the first frame out.
 */
export class JobError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** MediaConvert's error code families, as close as the local cause allows. */
export const JOB_ERROR_CODES = { input: 1010, settings: 1030, transcode: 1999, output: 1040 } as const;

export interface ClipJob {
  /** `s3://bucket/…/index.m3u8` */
  input: string;
  startTimecode: string;
  endTimecode: string;
  /** `s3://bucket/…/name` (MediaConvert appends `.mp4`). */
  destination: string;
}

export interface ClipRunner {
  s3: S3Client;
  ffmpeg: MediaTool;
  /** A directory of its own for this job; removed afterwards. */
  workDir: string;
  onProgress(percent: number): void;
  /** Called with the ffmpeg process once it runs, so the job can be cancelled. */
  onProcess?(process: ManagedProcess): void;
  /** True once the job is cancelled or the runtime stops: no ffmpeg is started, nothing written. */
  shouldStop(): boolean;
}

function stopIfAsked(runner: ClipRunner): void {
  if (runner.shouldStop()) throw new JobError(JOB_ERROR_CODES.transcode, 'stopped before it finished');
}

async function getObject(s3: S3Client, uri: string): Promise<Uint8Array> {
  const { bucket, prefix: key } = parseArchivePath(uri);
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  } catch (err) {
    throw new JobError(JOB_ERROR_CODES.input, `unable to open input file ${uri}: ${(err as Error).name}`);
  }
}

/** The frame rate and the video's lead over the earliest stream, from the first segment's bytes. */
export function inputTiming(firstSegment: Uint8Array): { rate: FrameRate; videoLeadSeconds: number } {
  const { video, audio } = pesTimings(firstSegment);
  const ticks = frameTicks(video);
  const rate = ticks === undefined ? undefined : frameRateOfTicks(ticks);
  const videoStart = firstPresentation(video);
  if (!rate || videoStart === undefined) throw new JobError(JOB_ERROR_CODES.input, 'cannot read the video frame rate of the input');
  const audioStart = audio[0]?.pts;
  const lead = audioStart === undefined ? 0 : Math.max(0, signedTicks(audioStart, videoStart));
  return { rate, videoLeadSeconds: lead / TICKS_PER_SECOND };
}

/**
 * How far before its frame a cut is aimed: more than the rounding of 90 kHz timestamps and of
 * `-ss` (microseconds), far less than a frame, so the frame before is never taken.
 */
const AIM_EARLY_SECONDS = 0.001;

/** ffmpeg's arguments for a clip of `frames` frames from frame `first` (zero-based) of `input`. */
export function clipArgs(args: { input: string; output: string; rate: FrameRate; videoLeadSeconds: number; first: number; frames: number }): string[] {
  const fps = framesPerSecond(args.rate);
  const seconds = (value: number) => value.toFixed(6);
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:2',
    '-i',
    args.input,
    '-ss',
    seconds(Math.max(0, args.videoLeadSeconds + args.first / fps - AIM_EARLY_SECONDS)),
    // `-frames:v` stops the video on the last frame wanted; `-t` (half a frame more, whatever
    // ffmpeg's rounding) and `-shortest` end the audio with it.
    '-t',
    seconds((args.frames + 0.5) / fps),
    '-frames:v',
    String(args.frames),
    '-shortest',
    // Keep each frame as decoded: a constant-rate output would repeat the first frame to fill
    // the moment the cut is aimed early by.
    '-vsync',
    'passthrough',
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    args.output,
  ];
}

/** Runs one clip job to its MP4 in S3; throws {@link JobError} with what went wrong. */
export async function runClipJob(job: ClipJob, runner: ClipRunner): Promise<{ output: string }> {
  await mkdir(runner.workDir, { recursive: true });
  try {
    const playlistText = new TextDecoder().decode(await getObject(runner.s3, job.input));
    let playlist;
    try {
      playlist = parseVodPlaylist(playlistText);
    } catch (err) {
      throw new JobError(JOB_ERROR_CODES.input, `invalid HLS input ${job.input}: ${(err as Error).message}`);
    }
    const folder = job.input.slice(0, job.input.lastIndexOf('/') + 1);
    const local = await Promise.all(
      playlist.segments.map(async (segment, i) => {
        const uri = segment.uri.startsWith('s3://') ? segment.uri : `${folder}${segment.uri}`;
        const bytes = await getObject(runner.s3, uri);
        const name = `segment-${String(i).padStart(6, '0')}.ts`;
        await writeFile(join(runner.workDir, name), bytes);
        return { uri: name, duration: segment.duration };
      }),
    );
    const localPlaylist = join(runner.workDir, 'input.m3u8');
    await writeFile(localPlaylist, renderVodPlaylist(local, playlist.mediaSequence));

    const { rate, videoLeadSeconds } = inputTiming(await readFile(join(runner.workDir, local[0].uri)));
    let first: number;
    let last: number;
    try {
      first = frameOfTimecode(job.startTimecode, rate);
      last = frameOfTimecode(job.endTimecode, rate);
    } catch (err) {
      throw new JobError(JOB_ERROR_CODES.settings, `InputClippings: ${(err as Error).message}`);
    }
    if (last < first) throw new JobError(JOB_ERROR_CODES.settings, 'InputClippings: EndTimecode is before StartTimecode');
    const frames = last - first + 1;
    const output = join(runner.workDir, 'output.mp4');
    stopIfAsked(runner);
    await runFfmpeg(runner, clipArgs({ input: localPlaylist, output, rate, videoLeadSeconds, first, frames }), frames / framesPerSecond(rate));
    stopIfAsked(runner);

    const uri = `${job.destination}.mp4`;
    const { bucket, prefix: key } = parseArchivePath(uri);
    try {
      const { size } = await stat(output);
      await runner.s3.send(
        // Content-Disposition: what the cloud's download URL asks S3 for (api/download-url.ts), which a
        // plain local URL cannot (S3 refuses response overrides on anonymous GETs), so the console's
        // "Download section N" saves the file here too instead of playing it in the tab.
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(output),
          ContentLength: size,
          ContentType: 'video/mp4',
          ContentDisposition: `attachment; filename="${key.split('/').pop()}"`,
        }),
      );
    } catch (err) {
      throw new JobError(JOB_ERROR_CODES.output, `unable to write ${uri}: ${(err as Error).name}`);
    }
    return { output: uri };
  } finally {
    await rm(runner.workDir, { recursive: true, force: true });
  }
}

async function runFfmpeg(runner: ClipRunner, args: string[], outputSeconds: number): Promise<void> {
  const process = spawnManaged(runner.ffmpeg.path, args, {
    name: 'mediaconvert ffmpeg',
    env: runner.ffmpeg.env,
    onStderrLine: (line) => {
      // `-progress` reports `out_time_ms` in microseconds, despite its name.
      const match = /^out_time_ms=(\d+)$/.exec(line);
      if (match) runner.onProgress(Math.min(99, Math.floor(Number(match[1]) / 1e4 / outputSeconds)));
    },
  });
  runner.onProcess?.(process);
  if (runner.shouldStop()) void process.stop();
  const exit = await process.exited;
  if (exit.code !== 0) {
    const lastWords = process
      .stderrTail()
      .split('\n')
      .filter((line) => line && !/^[a-z_]+=/.test(line))
      .slice(-3)
      .join(' / ');
    throw new JobError(JOB_ERROR_CODES.transcode, `ffmpeg failed (${exit.signal ?? `exit ${exit.code}`}): ${lastWords || 'no message'}`);
  }
}
