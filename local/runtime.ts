import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Services } from '../core/aws/services';
import { logger } from '../core/lambda/logger';
import type { ControlPlaneOptions } from './control-plane';
import type { LocalEventBridge } from './eventbridge';
import { loadLocalEnv, localBuckets, type LocalEnv } from './env';
import { stopAllManaged } from './processes';
import { startS3 } from './s3rver';

export interface RuntimeOptions extends Partial<LocalEnv>, ControlPlaneOptions {
  /** Where settings not given here are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface RuntimeEndpoints {
  api: string;
  /** The operator console (the API port's `/`). */
  console: string;
  healthz: string;
  rtmp: string;
  media: string;
  s3: string;
  dataDir: string;
}

export interface Runtime {
  readonly endpoints: RuntimeEndpoints;
  /** What the API and the tasks are given (tests read the store and send commands through it). */
  readonly services: Services;
  /** The default event bus: where the stream events go (tests subscribe to it). */
  readonly bus: LocalEventBridge;
  /** Stops everything, children included; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The whole system on 127.0.0.1: the same API handler, workflows and tasks as in the cloud, over
 * local services. Everything persists under `LOCAL_DATA_DIR`; on start, what the last run left
 * claiming to run is reconciled first, and the API answers `/healthz` only once everything is up.
 * If any part fails to start, the parts already started are stopped again.
 *
 * The local S3 boots in a process of its own (most of a second), so it is started before anything
 * else, with only this module's few imports loaded: it boots while this process loads the rest
 * of the code (local/control-plane.ts and what it imports, the larger part of the start).
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const settings = { ...loadLocalEnv(env), ...definedOnly(options) };
  const dataDir = resolve(settings.LOCAL_DATA_DIR);
  const stateDir = join(dataDir, 'state');
  await mkdir(stateDir, { recursive: true });

  const closers: (() => unknown)[] = [stopAllManaged];
  const close = once(async () => {
    for (const closer of closers.reverse()) {
      await Promise.resolve()
        .then(closer)
        .catch((err: unknown) => logger.error('local runtime: a part failed to stop', { error: String(err) }));
    }
  });

  try {
    const s3 = startS3({ port: settings.S3_PORT, directory: join(dataDir, 's3'), buckets: localBuckets(env) });
    // Stopped once it is up; one that failed to start has nothing to stop (its failure fails the start below).
    closers.push(() => s3.then((started) => started.close(), () => undefined));
    const { startControlPlane } = await import('./control-plane');
    const plane = await startControlPlane({ ...options, env, settings, dataDir, stateDir, s3, onClose: (closer) => closers.push(closer) });

    const api = `http://127.0.0.1:${plane.apiPort}`;
    return {
      endpoints: {
        api,
        console: `${api}/`,
        healthz: `${api}/healthz`,
        rtmp: `rtmp://127.0.0.1:${plane.rtmpPort}`,
        media: `http://127.0.0.1:${plane.mediaPort}`,
        s3: plane.s3Endpoint,
        dataDir,
      },
      services: plane.services,
      bus: plane.bus,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function definedOnly(options: RuntimeOptions): Partial<LocalEnv> {
  const keys = ['PORT', 'RTMP_PORT', 'MEDIA_PORT', 'S3_PORT', 'LOCAL_DATA_DIR', 'LOCAL_CHANNEL_START_SECONDS', 'LOCAL_SCHEDULE_TIME_SCALE', 'LOCAL_RECONCILE_SECONDS'] as const;
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
