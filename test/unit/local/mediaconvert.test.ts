import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelJobCommand, CreateJobCommand, GetJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../fixtures/expect-with-message';
import { loadConfig } from '../../../core/lambda/config';
import type { PlannedSection } from '../../../core/domain/split-plan';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalMediaConvert, clipJobOf } from '../../../local/mediaconvert';
import { MEDIACONVERT_CREATE_JOB_SYNC, SYNC_JOB_FAILED, localIntegrations } from '../../../local/stepfunctions/integrations';
import { run as listArchive } from '../../../tasks/list-archive';
import { run as planSplit } from '../../../tasks/plan-split';
import { run as prepareTranscode } from '../../../tasks/prepare-transcode';
import { run as writePlaylist } from '../../../tasks/write-section-playlist';
import { frameNumbers, generateArchive, probeDuration, probeVideoDuration } from '../../fixtures/archive';
import { startS3, tempDir } from '../../fixtures/media';

/**
 * The local MediaConvert with real ffmpeg, fed by the real split tasks: archives of a few seconds
 * whose every frame shows its number are listed, timed, planned, written as playlists and cut;
 * each MP4 is then read back frame by frame.
 */
let dir: Awaited<ReturnType<typeof tempDir>>;
let s3Server: Awaited<ReturnType<typeof startS3>>;
let s3: S3Client;
let local: LocalMediaConvert;
let mediaconvert: MediaConvertClient;
const config = loadConfig({ WORKSHOP_OUTPUT_BUCKET: 'out' });

/** What the split's `.sync` state does first: CreateJob with the prepared request and the workflow's role. */
async function startTranscode(input: { stream_id: string; section: PlannedSection; execution_name: string }, client = mediaconvert) {
  const request = await prepareTranscode(input);
  const { Job } = await client.send(new CreateJobCommand({ ...request, Role: 'arn:aws:iam::000000000000:role/mc' }));
  return { job_id: Job!.Id! };
}

async function upload(from: string, files: string[], prefix: string): Promise<void> {
  for (const file of files) {
    await s3.send(new PutObjectCommand({ Bucket: 'arch', Key: `${prefix}${file}`, Body: await readFile(join(from, file)) }));
  }
}

beforeAll(async () => {
  dir = await tempDir('mediaconvert-');
  s3Server = await startS3(join(dir.path, 's3'), ['arch', 'out']);
  s3 = s3Server.s3;
  local = new LocalMediaConvert({ s3, workDir: join(dir.path, 'work') });
  mediaconvert = bindLocalService(new MediaConvertClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service);
  for (const [rate, prefix] of [['25', 'at25/'], ['30000/1001', 'at2997/']] as const) {
    const from = join(dir.path, prefix);
    await mkdir(from, { recursive: true });
    await upload(from, await generateArchive({ dir: from, rate, seconds: 7, segmentLength: 2 }), prefix);
  }
}, 120_000);

afterAll(async () => {
  await local?.close();
  await s3Server?.close();
  await dir?.remove();
});

/** Runs the split's tasks up to the job for each section, waits for the jobs, returns each section with its job. */
async function cut(prefix: string, sections: { start: number; end: number }[], execution = `exec-${prefix.slice(0, -1)}`) {
  const archivePath = `s3://arch/${prefix}`;
  const { timeline } = await listArchive({ archive_path: archivePath }, { s3 });
  const plan = await planSplit({ archive_path: archivePath, name_modifier: 't', timestamp_list: sections, timeline }, { config });
  const jobs: { section: PlannedSection; jobId: string }[] = [];
  for (const section of plan.sections) {
    await writePlaylist({ timeline, section }, { s3 });
    const { job_id } = await startTranscode({ stream_id: 's', section, execution_name: execution });
    jobs.push({ section, jobId: job_id });
  }
  await local.idle();
  return jobs;
}

async function download(uri: string): Promise<string> {
  const key = uri.replace('s3://out/', '');
  const out = await s3.send(new GetObjectCommand({ Bucket: 'out', Key: key }));
  const file = join(dir.path, key.replaceAll('/', '_'));
  await writeFile(file, await out.Body!.transformToByteArray());
  return file;
}

async function expectExactCut(section: PlannedSection, jobId: string, fps: number): Promise<void> {
  const { Job } = await mediaconvert.send(new GetJobCommand({ Id: jobId }));
  expectWithMessage(Job, Job?.ErrorMessage).toMatchObject({ Status: 'COMPLETE', JobPercentComplete: 100 });
  const file = await download(section.output);
  const frames = await frameNumbers(file);
  const first = Math.floor(section.start * fps + 1e-6);
  const count = Math.max(1, Math.round((section.end - section.start) * fps));
  // The first frame is the archive's frame at `start`, and every frame after it, in order, once.
  expect(frames).toEqual(Array.from({ length: count }, (_, i) => first + i));
  // ffprobe: the video, and the file as a whole (audio included), last end − start within one frame.
  expect(Math.abs((await probeVideoDuration(file)) - (section.end - section.start))).toBeLessThanOrEqual(1 / fps);
  expect(Math.abs((await probeDuration(file)) - (section.end - section.start))).toBeLessThanOrEqual(1 / fps);
}

describe('local MediaConvert (real ffmpeg)', () => {
  it('cuts sections of a 25 fps archive frame-exactly: from 0, across segments at fractional times, on boundaries', async () => {
    const jobs = await cut('at25/', [
      { start: 0, end: 1.5 },
      { start: 1.37, end: 4.61 },
      { start: 4, end: 6 },
    ]);

    for (const { section, jobId } of jobs) await expectExactCut(section, jobId, 25);
  }, 240_000);

  it('cuts a 29.97 fps archive by frames, not seconds', async () => {
    const jobs = await cut('at2997/', [{ start: 1.9, end: 5.3 }]);

    await expectExactCut(jobs[0].section, jobs[0].jobId, 30000 / 1001);
  }, 240_000);

  it('gives back the job it made for a token it has seen', async () => {
    const [made] = await cut('at25/', [{ start: 0.5, end: 1 }], 'exec-token');

    const again = await startTranscode({ stream_id: 's', section: made.section, execution_name: 'exec-token' });

    expect(again.job_id).toBe(made.jobId);
  }, 240_000);

  it('runs a job again at the next start when the runtime died while it ran', async () => {
    const stateFile = join(dir.path, 'restart-state.json');
    // Concurrency 0: the job stays queued, so the state file is what a crash mid-run leaves once edited below.
    const first = new LocalMediaConvert({ s3, workDir: join(dir.path, 'work-restart'), stateFile, concurrency: 0 });
    const client = bindLocalService(new MediaConvertClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), first.service);
    const { timeline } = await listArchive({ archive_path: 's3://arch/at25/' }, { s3 });
    const { sections } = await planSplit({ archive_path: 's3://arch/at25/', name_modifier: 'restart', timestamp_list: [{ start: 3, end: 4 }], timeline }, { config });
    await writePlaylist({ timeline, section: sections[0] }, { s3 });
    const { job_id } = await startTranscode({ stream_id: 's', section: sections[0], execution_name: 'exec-restart' }, client);

    await first.close();
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { Id: string; Status: string }[];
    await writeFile(stateFile, JSON.stringify(saved.map((job) => (job.Id === job_id ? { ...job, Status: 'PROGRESSING', JobPercentComplete: 40 } : job))));
    const second = new LocalMediaConvert({ s3, workDir: join(dir.path, 'work-restart'), stateFile });
    const after = bindLocalService(new MediaConvertClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), second.service);
    await second.idle();

    expect((await after.send(new GetJobCommand({ Id: job_id }))).Job?.Status).toBe('COMPLETE');
    expect(await frameNumbers(await download(sections[0].output))).toEqual(Array.from({ length: 25 }, (_, i) => 75 + i));
    await second.close();
  }, 240_000);

  it('cancels a job that has not finished, and writes nothing for it', async () => {
    const { timeline } = await listArchive({ archive_path: 's3://arch/at25/' }, { s3 });
    const { sections } = await planSplit({ archive_path: 's3://arch/at25/', name_modifier: 'cancel', timestamp_list: [{ start: 0, end: 6 }], timeline }, { config });
    await writePlaylist({ timeline, section: sections[0] }, { s3 });
    const { job_id } = await startTranscode({ stream_id: 's', section: sections[0], execution_name: 'exec-cancel' });

    await mediaconvert.send(new CancelJobCommand({ Id: job_id }));
    await local.idle();

    expect((await mediaconvert.send(new GetJobCommand({ Id: job_id }))).Job?.Status).toBe('CANCELED');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'out', Key: 'at25/index_cancel_0.mp4' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  }, 60_000);

  it('ends a job whose playlist lists a segment that is not there in ERROR, with the reason', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'arch',
        Key: 'at25/broken.m3u8',
        Body: '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\narchive_1.000099.ts\n#EXT-X-ENDLIST\n',
      }),
    );
    const { Job } = await mediaconvert.send(
      new CreateJobCommand({
        Role: 'r',
        Settings: {
          Inputs: [{ FileInput: 's3://arch/at25/broken.m3u8', TimecodeSource: 'ZEROBASED', InputClippings: [{ StartTimecode: '00:00:00:00', EndTimecode: '00:00:01:00' }] }],
          OutputGroups: [
            {
              OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: 's3://out/broken' } },
              Outputs: [{ ContainerSettings: { Container: 'MP4' }, VideoDescription: { CodecSettings: { Codec: 'H_264' } } }],
            },
          ],
        },
      }),
    );
    await local.idle();

    const { Job: done } = await mediaconvert.send(new GetJobCommand({ Id: Job!.Id }));
    expect(done).toMatchObject({ Status: 'ERROR', ErrorCode: 1010, ErrorMessage: 'unable to open input file s3://arch/at25/archive_1.000099.ts: NoSuchKey' });
  }, 60_000);

  describe('the createJob.sync integration (local Step Functions)', () => {
    // "Run a Job (.sync)": Step Functions creates the job and waits until it ends
    // (https://docs.aws.amazon.com/step-functions/latest/dg/connect-mediaconvert.html); the state's
    // result is the job as MediaConvert answers it (`{Job}`).
    const sync = () => localIntegrations({ mediaconvert: () => mediaconvert, jobs: local });

    it('creates the job with the state’s parameters and answers once the job is COMPLETE', async () => {
      const { timeline } = await listArchive({ archive_path: 's3://arch/at25/' }, { s3 });
      const { sections } = await planSplit({ archive_path: 's3://arch/at25/', name_modifier: 'sync', timestamp_list: [{ start: 1, end: 2 }], timeline }, { config });
      await writePlaylist({ timeline, section: sections[0] }, { s3 });
      const request = await prepareTranscode({ stream_id: 's', section: sections[0], execution_name: 'exec-sync' });

      const out = (await sync()(MEDIACONVERT_CREATE_JOB_SYNC, { ...request, Role: 'arn:aws:iam::000000000000:role/mc' })) as { Job: { Id: string; Status: string } };

      expect(out.Job).toMatchObject({ Status: 'COMPLETE', ClientRequestToken: request.ClientRequestToken, JobPercentComplete: 100 });
      await expectExactCut(sections[0], out.Job.Id, 25);
    }, 240_000);

    it('fails with States.TaskFailed, the job (its ErrorCode and ErrorMessage) as the cause, when the job ends in ERROR', async () => {
      const { timeline } = await listArchive({ archive_path: 's3://arch/at25/' }, { s3 });
      const { sections } = await planSplit({ archive_path: 's3://arch/at25/', name_modifier: 'nosync', timestamp_list: [{ start: 1, end: 2 }], timeline }, { config });
      // No playlist written: MediaConvert cannot open the input.
      const request = await prepareTranscode({ stream_id: 's', section: sections[0], execution_name: 'exec-sync-error' });

      const failure = await sync()(MEDIACONVERT_CREATE_JOB_SYNC, { ...request, Role: 'arn:aws:iam::000000000000:role/mc' }).catch((err: Error) => err);

      expect(failure).toMatchObject({ name: SYNC_JOB_FAILED });
      const cause = JSON.parse((failure as Error).message) as { Job?: unknown };
      expect(cause.Job).toMatchObject({ Status: 'ERROR', ErrorCode: 1010, ErrorMessage: expect.stringContaining('index_nosync_0.m3u8') });
    }, 60_000);

    it('fails with MediaConvert’s own exception when CreateJob is refused, and makes no job', async () => {
      const request = { Settings: { Inputs: [] }, ClientRequestToken: 'refused' };

      const failure = await sync()(MEDIACONVERT_CREATE_JOB_SYNC, { ...request, Role: 'r' }).catch((err: Error) => err);

      expect(failure).toMatchObject({ name: 'MediaConvert.BadRequestException', message: expect.stringContaining('exactly one input') });
    });
  });

  it('refuses, as a bad request, settings it cannot run', () => {
    expect(() => clipJobOf({ Inputs: [{ FileInput: 's3://a/b.m3u8', TimecodeSource: 'EMBEDDED' }] })).toThrow(/only ZEROBASED/);
    expect(() => clipJobOf({ Inputs: [] })).toThrow(/exactly one input/);
  });
});
