/**
 * Benchmark: split a one-hour archive (generated, 160×90 at 25 fps, 300 s segments, every frame
 * showing its number) into 10 sections with fractional boundaries, the way the split workflow
 * does it locally (list + time the archive, plan, write playlists, local MediaConvert jobs), and
 * compare with ffmpeg making the same cuts directly on the same files:
 *
 * - `split`: the split's tasks + local MediaConvert (output seeking over the section's segments);
 * - `ffmpeg -ss before -i`: input seeking over the whole archive (the fast, usual command);
 * - `ffmpeg -ss after -i`: output seeking over the whole archive (exact, decodes from the start).
 *
 * Every output is checked: duration (ffprobe) against end − start, and its first and last frame
 * numbers against the archive's frames at start and end. Prints Markdown for docs/BENCHMARKS.md.
 *
 *   npx tsx bench/split.ts [concurrency]
 */
import '../core/lambda/polyfills';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../core/lambda/config';
import { bindLocalService } from '../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../local/credentials';
import { mediaTools } from '../local/ffmpeg';
import { LocalMediaConvert } from '../local/mediaconvert';
import { localS3Client } from '../local/s3';
import { startS3 } from '../local/s3rver';
import { run as listArchive } from '../tasks/list-archive';
import { run as planSplit } from '../tasks/plan-split';
import { run as prepareTranscode } from '../tasks/prepare-transcode';
import { run as writePlaylist } from '../tasks/write-section-playlist';
import { frameNumbers, generateArchive, probeDuration } from '../test/fixtures/archive';

const CONCURRENCY = Number(process.argv[2] ?? 1);
const FPS = 25;
const HOUR = 3600;
const SEGMENT_LENGTH = 300;
const SECTIONS = Array.from({ length: 10 }, (_, i) => ({
  start: Number((i * 360 + 0.37 * i).toFixed(2)),
  end: Number(((i + 1) * 360 - 0.21 * (i + 1)).toFixed(2)),
}));
/** The local MediaConvert's encode, so the direct cuts do the same work. */
const ENCODE = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-max_muxing_queue_size', '4096'];

const run = promisify(execFile);
const { ffmpeg } = mediaTools();
const dir = join(tmpdir(), `bench-split-${process.pid}`);
const archiveDir = join(dir, 'archive');
mkdirSync(archiveDir, { recursive: true });

interface Check {
  durationError: number;
  firstFrameError: number;
  lastFrameError: number;
  framesRepeated: number;
}

/** How far an output is from the section it should be: seconds of duration, frames at each end. */
async function check(file: string, section: { start: number; end: number }): Promise<Check> {
  const frames = await frameNumbers(file);
  const first = Math.floor(section.start * FPS + 1e-6);
  const last = first + Math.round((section.end - section.start) * FPS) - 1;
  return {
    durationError: (await probeDuration(file)) - (section.end - section.start),
    firstFrameError: frames[0] - first,
    lastFrameError: frames.at(-1)! - last,
    framesRepeated: frames.length - new Set(frames).size,
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

const s3Server = await startS3({ port: 0, directory: join(dir, 's3'), buckets: ['arch', 'out'] });
const s3 = localS3Client(s3Server.endpoint);
const local = new LocalMediaConvert({ s3, workDir: join(dir, 'work'), concurrency: CONCURRENCY });
try {
  const generated = await timed(() =>
    generateArchive({ dir: archiveDir, rate: String(FPS), seconds: HOUR, segmentLength: SEGMENT_LENGTH, width: 160, height: 90, preset: 'ultrafast' }),
  );
  const files = generated.value;
  for (const file of files) {
    await s3.send(new PutObjectCommand({ Bucket: 'arch', Key: `session/${file}`, Body: readFileSync(join(archiveDir, file)) }));
  }
  console.error(`generated ${files.length} segments in ${generated.seconds.toFixed(1)} s`);

  // The split, as the workflow runs it (minus Step Functions' waits).
  const mediaconvert = bindLocalService(new MediaConvertClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service);
  const config = loadConfig({ WORKSHOP_OUTPUT_BUCKET: 'out' });
  const split = await timed(async () => {
    const { timeline } = await listArchive({ archive_path: 's3://arch/session/' }, { s3 });
    const plan = await planSplit({ archive_path: 's3://arch/session/', name_modifier: 'bench', timestamp_list: SECTIONS, timeline }, { config });
    for (const section of plan.sections) {
      await writePlaylist({ timeline, section }, { s3 });
      // The split's `.sync` state: CreateJob with the prepared request and the workflow's role.
      const request = await prepareTranscode({ stream_id: 'bench', section, execution_name: `bench-${process.pid}` });
      await mediaconvert.send(new CreateJobCommand({ ...request, Role: 'arn:aws:iam::000000000000:role/bench' }));
    }
    await local.idle();
    return plan.sections;
  });
  const splitChecks: Check[] = [];
  for (const section of split.value) {
    const out = await s3.send(new GetObjectCommand({ Bucket: 'out', Key: section.output.replace('s3://out/', '') }));
    const file = join(dir, `split-${section.index}.mp4`);
    writeFileSync(file, await out.Body!.transformToByteArray());
    splitChecks.push(await check(file, section));
  }
  console.error(`split: ${split.seconds.toFixed(1)} s`, JSON.stringify(splitChecks));

  // ffmpeg directly on the same files: the whole archive as one input (the concat protocol).
  const whole = `concat:${files.map((f) => join(archiveDir, f)).join('|')}`;
  const direct = async (mode: 'input' | 'output') => {
    const checks: Check[] = [];
    const took = await timed(async () => {
      for (const [i, section] of SECTIONS.entries()) {
        const file = join(dir, `direct-${mode}-${i}.mp4`);
        const seek = ['-ss', section.start.toFixed(3)];
        const length = ['-t', (section.end - section.start).toFixed(3)];
        const args =
          mode === 'input'
            ? [...seek, '-i', whole, ...length, ...ENCODE, '-y', file]
            : ['-i', whole, ...seek, ...length, ...ENCODE, '-y', file];
        await run(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', ...args], { env: { ...process.env, ...ffmpeg.env } });
      }
    });
    for (const [i, section] of SECTIONS.entries()) checks.push(await check(join(dir, `direct-${mode}-${i}.mp4`), section));
    console.error(`direct ${mode} seeking: ${took.seconds.toFixed(1)} s`, JSON.stringify(checks));
    return { seconds: took.seconds, checks };
  };
  const inputSeeking = await direct('input');
  const outputSeeking = await direct('output');

  const worst = (checks: Check[], key: keyof Check) => checks.reduce((m, c) => (Math.abs(c[key]) > Math.abs(m) ? c[key] : m), 0);
  const summary = (name: string, seconds: number, checks: Check[]) =>
    `| ${name} | ${seconds.toFixed(1)} | ${(worst(checks, 'durationError') * 1000).toFixed(1)} | ${worst(checks, 'firstFrameError')} | ${worst(checks, 'lastFrameError')} |`;
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ffmpeg ${ffmpeg.source} (${ffmpeg.path}); local MediaConvert concurrency ${CONCURRENCY}.`,
    `Archive: 1 h, 160×90 at ${FPS} fps, ${files.length} segments of ${SEGMENT_LENGTH} s (generated in ${generated.seconds.toFixed(0)} s).`,
    '',
    '| way | wall time (s) | worst duration error (ms) | worst first-frame error (frames) | worst last-frame error (frames) |',
    '|---|---|---|---|---|',
    summary('split (tasks + local MediaConvert)', split.seconds, splitChecks),
    summary('ffmpeg `-ss` before `-i` (input seeking)', inputSeeking.seconds, inputSeeking.checks),
    summary('ffmpeg `-ss` after `-i` (output seeking, whole archive)', outputSeeking.seconds, outputSeeking.checks),
    '',
    '| section | start–end (s) | split: duration error (ms) | split: first/last frame error | input seeking: duration error (ms) | input seeking: first/last frame error | output seeking: duration error (ms) | output seeking: first/last frame error |',
    '|---|---|---|---|---|---|---|---|',
    ...SECTIONS.map((s, i) => {
      const cell = (c: Check) => [`${(c.durationError * 1000).toFixed(1)}`, `${c.firstFrameError} / ${c.lastFrameError}${c.framesRepeated ? ` (${c.framesRepeated} repeated)` : ''}`];
      return `| ${i} | ${s.start}–${s.end} | ${[...cell(splitChecks[i]), ...cell(inputSeeking.checks[i]), ...cell(outputSeeking.checks[i])].join(' | ')} |`;
    }),
  ];
  console.log(lines.join('\n'));
} finally {
  await local.close();
  await s3Server.close();
  rmSync(dir, { recursive: true, force: true });
}
