import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BadRequestException, NotFoundException, type JobSettings } from '@aws-sdk/client-mediaconvert';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { logger } from '../core/lambda/logger';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import { mediaTools, type MediaTool } from './ffmpeg';
import { JobError, runClipJob, type ClipJob } from './mediaconvert-job';
import type { ManagedProcess } from './processes';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';
import { JsonStateFile } from './state-files';

/**
 * A MediaConvert stand-in: CreateJob, GetJob, CancelJob, for the jobs the split makes (see
 * `local/mediaconvert-job.ts` for how one is done with ffmpeg). Jobs go SUBMITTED → PROGRESSING →
 * COMPLETE or ERROR, with `JobPercentComplete` while they run, at most `concurrency` at a time
 * (ffmpeg re-encodes; the machine is small). A `ClientRequestToken` reused within a minute returns
 * the job it made, as MediaConvert's does (and only then). Jobs are kept in a state file: one that was queued or running when the runtime stopped
 * runs again at the next start, so a split waiting on it still completes.
 */
export interface LocalMediaConvertOptions {
  s3: S3Client;
  /** Scratch space for jobs' segments and outputs. */
  workDir: string;
  ffmpeg?: MediaTool;
  concurrency?: number;
  /** JSON state file; none = in memory. */
  stateFile?: string;
  now?: () => Date;
}

/**
 * "A client request token can be any string that includes up to 64 ASCII characters. If you reuse
 * a client request token within one minute of a successful request, the API returns the job
 * details of the original request instead" (CreateJobRequest.ClientRequestToken, SDK model doc).
 */
const CLIENT_TOKEN = /^[\x00-\x7f]{1,64}$/;
const TOKEN_WINDOW_MS = 60_000;
/** InputClipping Start/EndTimecode, as MediaConvert's service model patterns them (HH:MM:SS:FF or ;FF). */
const CLIP_TIMECODE = /^([01][0-9]|2[0-4]):[0-5][0-9]:[0-5][0-9][:;][0-9]{2}$/;

const STATUSES = ['SUBMITTED', 'PROGRESSING', 'COMPLETE', 'ERROR', 'CANCELED'] as const;
const StoredJobSchema = z.object({
  Id: z.string(),
  Arn: z.string(),
  Status: z.enum(STATUSES),
  Role: z.string(),
  Settings: z.record(z.string(), z.unknown()),
  UserMetadata: z.record(z.string(), z.string()).optional(),
  ClientRequestToken: z.string().optional(),
  CreatedAt: z.string(),
  StartTime: z.string().optional(),
  FinishTime: z.string().optional(),
  JobPercentComplete: z.number().optional(),
  ErrorCode: z.number().optional(),
  ErrorMessage: z.string().optional(),
});
type StoredJob = z.infer<typeof StoredJobSchema>;

function isFinished(job: StoredJob): boolean {
  return job.Status === 'COMPLETE' || job.Status === 'ERROR' || job.Status === 'CANCELED';
}

function badRequest(message: string): BadRequestException {
  return serviceError(BadRequestException, 400, message);
}

/** The clip a job asks for, or a BadRequest naming the setting this stand-in cannot do. */
export function clipJobOf(settings: JobSettings | undefined): ClipJob {
  const input = settings?.Inputs?.length === 1 ? settings.Inputs[0]! : undefined;
  if (!input?.FileInput?.startsWith('s3://')) throw badRequest('/settings/inputs: exactly one input with an s3:// FileInput is available locally');
  if (input.TimecodeSource !== 'ZEROBASED') throw badRequest('/settings/inputs/0/timecodeSource: only ZEROBASED is available locally');
  const clip = input.InputClippings?.length === 1 ? input.InputClippings[0]! : undefined;
  if (!clip?.StartTimecode || !clip.EndTimecode) {
    throw badRequest('/settings/inputs/0/inputClippings: exactly one clipping with start and end timecodes is available locally');
  }
  for (const [field, timecode] of [['startTimecode', clip.StartTimecode], ['endTimecode', clip.EndTimecode]] as const) {
    if (!CLIP_TIMECODE.test(timecode)) throw badRequest(`/settings/inputs/0/inputClippings/0/${field}: ${timecode} is not HH:MM:SS:FF`);
  }
  const group = settings?.OutputGroups?.length === 1 ? settings.OutputGroups[0]! : undefined;
  const destination = group?.OutputGroupSettings?.FileGroupSettings?.Destination;
  if (group?.OutputGroupSettings?.Type !== 'FILE_GROUP_SETTINGS' || !destination?.startsWith('s3://')) {
    throw badRequest('/settings/outputGroups: exactly one file group with an s3:// destination is available locally');
  }
  const output = group.Outputs?.length === 1 ? group.Outputs[0]! : undefined;
  const audio = output?.AudioDescriptions ?? [];
  if (
    output?.ContainerSettings?.Container !== 'MP4' ||
    output.VideoDescription?.CodecSettings?.Codec !== 'H_264' ||
    audio.some((a) => a.CodecSettings?.Codec !== 'AAC')
  ) {
    throw badRequest('/settings/outputGroups/0/outputs: one MP4 output of H_264 video and AAC audio is available locally');
  }
  return { input: input.FileInput, startTimecode: clip.StartTimecode, endTimecode: clip.EndTimecode, destination };
}

export class LocalMediaConvert {
  readonly service: LocalService;
  private readonly state: JsonStateFile<StoredJob[]>;
  private readonly jobs: Map<string, StoredJob>;
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { process?: ManagedProcess; done: Promise<void> }>();
  /** Who waits for a job to end (the local `.sync` integration), by job id. */
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly ffmpeg: MediaTool;
  private readonly concurrency: number;
  private closing = false;
  private readonly now: () => Date;

  constructor(private readonly options: LocalMediaConvertOptions) {
    this.now = options.now ?? (() => new Date());
    this.ffmpeg = options.ffmpeg ?? mediaTools().ffmpeg;
    this.concurrency = options.concurrency ?? 1;
    this.state = new JsonStateFile(options.stateFile, z.array(StoredJobSchema));
    this.jobs = new Map(this.state.load([]).map((job) => [job.Id, job]));
    for (const job of this.jobs.values()) {
      if (job.Status === 'SUBMITTED' || job.Status === 'PROGRESSING') {
        Object.assign(job, { Status: 'SUBMITTED', JobPercentComplete: undefined, StartTime: undefined });
        this.queue.push(job.Id);
      }
    }
    this.service = serviceFromHandlers('MediaConvert', {
      CreateJobCommand: (input) => ({ Job: this.create(input) }),
      GetJobCommand: (input: { Id?: string }) => ({ Job: this.view(this.mustGet(input.Id)) }),
      CancelJobCommand: (input: { Id?: string }) => this.cancel(this.mustGet(input.Id)),
    });
    this.save();
    this.pump();
  }

  /** Resolves when no job is queued or running, or the service is closing (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || (this.queue.length > 0 && !this.closing)) {
      await Promise.all([...this.running.values()].map((r) => r.done));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Resolves once the job has ended (COMPLETE, ERROR or CANCELED), as Step Functions' `.sync`
   * integration learns it from MediaConvert's job state change events; at once if it has.
   */
  async settled(id: string): Promise<void> {
    if (isFinished(this.mustGet(id))) return;
    await new Promise<void>((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Stops running jobs (they run again at the next start) and takes no new ones. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.running.values()].map(async (r) => {
      await r.process?.stop();
      await r.done;
    }));
  }

  private create(input: { Role?: string; Settings?: JobSettings; UserMetadata?: Record<string, string>; ClientRequestToken?: string }) {
    const token = input.ClientRequestToken;
    if (token !== undefined && !CLIENT_TOKEN.test(token)) throw badRequest('/clientRequestToken: up to 64 ASCII characters');
    if (token !== undefined) {
      const since = this.now().getTime() - TOKEN_WINDOW_MS;
      const made = [...this.jobs.values()].find((job) => job.ClientRequestToken === token && Date.parse(job.CreatedAt) >= since);
      if (made) return this.view(made);
    }
    if (!input.Role) throw badRequest('/role: a job needs the role MediaConvert assumes');
    clipJobOf(input.Settings);
    const id = `${Date.now()}-${randomBytes(3).toString('hex')}`;
    const job: StoredJob = {
      Id: id,
      Arn: `arn:aws:mediaconvert:${LOCAL_REGION}:${LOCAL_ACCOUNT}:jobs/${id}`,
      Status: 'SUBMITTED',
      Role: input.Role,
      Settings: input.Settings as Record<string, unknown>,
      UserMetadata: input.UserMetadata,
      ClientRequestToken: input.ClientRequestToken,
      CreatedAt: this.now().toISOString(),
    };
    this.jobs.set(id, job);
    this.queue.push(id);
    this.save();
    this.pump();
    return this.view(job);
  }

  private cancel(job: StoredJob): Record<string, never> {
    if (job.Status === 'SUBMITTED') {
      this.queue.splice(this.queue.indexOf(job.Id), 1);
      this.finish(job, { Status: 'CANCELED' });
    } else if (job.Status === 'PROGRESSING') {
      this.finish(job, { Status: 'CANCELED' });
      void this.running.get(job.Id)?.process?.stop();
    } else {
      throw badRequest(`job ${job.Id} is ${job.Status} and cannot be canceled`);
    }
    return {};
  }

  private mustGet(id: string | undefined): StoredJob {
    const job = id ? this.jobs.get(id) : undefined;
    if (!job) throw serviceError(NotFoundException, 404, `job ${id} not found`);
    return job;
  }

  /** The job as GetJob answers it. */
  private view(job: StoredJob) {
    const date = (iso: string | undefined) => (iso ? new Date(iso) : undefined);
    return {
      Id: job.Id,
      Arn: job.Arn,
      Status: job.Status,
      Role: job.Role,
      Settings: job.Settings,
      UserMetadata: job.UserMetadata,
      ClientRequestToken: job.ClientRequestToken,
      CreatedAt: date(job.CreatedAt),
      JobPercentComplete: job.JobPercentComplete,
      ErrorCode: job.ErrorCode,
      ErrorMessage: job.ErrorMessage,
      Timing: { SubmitTime: date(job.CreatedAt), StartTime: date(job.StartTime), FinishTime: date(job.FinishTime) },
    };
  }

  private finish(job: StoredJob, patch: Partial<StoredJob>): void {
    Object.assign(job, { ...patch, FinishTime: new Date().toISOString() });
    this.save();
    for (const resolve of this.waiters.get(job.Id) ?? []) resolve();
    this.waiters.delete(job.Id);
  }

  private save(): void {
    this.state.save([...this.jobs.values()]);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.jobs.get(this.queue.shift()!)!;
      const slot: { process?: ManagedProcess; done: Promise<void> } = { done: Promise.resolve() };
      this.running.set(job.Id, slot);
      slot.done = this.process(job, slot).finally(() => {
        this.running.delete(job.Id);
        this.pump();
      });
    }
  }

  private async process(job: StoredJob, slot: { process?: ManagedProcess }): Promise<void> {
    Object.assign(job, { Status: 'PROGRESSING', StartTime: new Date().toISOString(), JobPercentComplete: 0 });
    this.save();
    try {
      await runClipJob(clipJobOf(job.Settings as JobSettings), {
        s3: this.options.s3,
        ffmpeg: this.ffmpeg,
        workDir: join(this.options.workDir, job.Id),
        onProgress: (percent) => {
          job.JobPercentComplete = percent;
        },
        onProcess: (process) => {
          slot.process = process;
        },
        shouldStop: () => this.closing || job.Status !== 'PROGRESSING',
      });
      if (job.Status === 'PROGRESSING') this.finish(job, { Status: 'COMPLETE', JobPercentComplete: 100 });
    } catch (err) {
      if (job.Status !== 'PROGRESSING') return;
      if (this.closing) {
        // Stopped by shutdown, not failed: it runs again at the next start.
        Object.assign(job, { Status: 'SUBMITTED', JobPercentComplete: undefined, StartTime: undefined });
        this.save();
        return;
      }
      const code = err instanceof JobError ? err.code : 1999;
      logger.warn('local MediaConvert: job failed', { jobId: job.Id, error: String(err) });
      this.finish(job, { Status: 'ERROR', ErrorCode: code, ErrorMessage: (err as Error).message });
    }
  }
}
