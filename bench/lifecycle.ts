/**
 * Benchmark: what a stream's lifecycle costs in Step Functions state transitions, with the cloud's
 * wait schedule, in seconds of wall time instead of minutes.
 *
 *   npx tsx bench/lifecycle.ts                  # this tree beside the baseline b8e802d (a git worktree under /tmp, removed after)
 *   npx tsx bench/lifecycle.ts --only <dir>     # one checkout only, as JSON (what the two runs above are)
 *
 * Billing (https://aws.amazon.com/step-functions/pricing/): a Standard workflow is charged $0.025 per
 * 1,000 state transitions in us-east-1; "Step Functions counts a state transition each time a step
 * of your workflow is executed", and "each retry will be charged as an additional state
 * transition". A step is a state entered: Task, Pass, Choice, Wait (every time round a poll loop),
 * Map, Succeed, Fail, and every state inside every Map iteration. So the count here is the history's
 * `*StateEntered` events plus each retry of a Task (a `TaskScheduled` beyond the first of its entry),
 * read back through the executions API (`GetExecutionHistory`), as the reference figures were.
 *
 * What is real: the state machines are rendered from `workflows/` as `local/` renders them and run
 * by the local Step Functions service (`local/stepfunctions/service.ts`, aws-local-stepfunctions)
 * with no wait overrides: every Wait lasts what the ASL says and every backoff is the workflow's.
 * Every Task state runs the task's own `run` (`local/stepfunctions/tasks.ts`) against the local
 * stand-ins: dynalite for the record, s3rver for the archive (a small real MPEG-TS archive, which
 * list-archive times from its bytes), the local MediaLive (its real state sequence, the channel
 * RUNNING `START_SECONDS` after StartChannel), MediaPackage, the KeyValueStore, IVS, ECS and
 * Scheduler stand-ins. The lifecycle is driven through the API handler (`api/handler.ts`), as an
 * operator would.
 *
 * What is simulated: time. `@sinonjs/fake-timers` replaces `setTimeout`/`Date` in this process, and
 * the clock jumps to the next timer whenever nothing is in flight (no SDK call is awaiting an answer
 * from dynalite, s3rver or a stand-in), so a 90 s start takes milliseconds and every `now()` a task
 * reads is the virtual time. The media plane is a no-op that notes when the channel reached RUNNING
 * (no ffmpeg, no RTMP), and the `mediaconvert:createJob.sync` state is answered after
 * `JOB_SECONDS` of virtual time without running a job: a `.sync` state costs the same transitions
 * however long its job runs. And the cloud's latency: each AWS call and Lambda invocation takes
 * `CALL_MS`/`INVOKE_MS` of virtual time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as FakeTimersModule from '@sinonjs/fake-timers';
import type { RenderedWorkflows } from '../local/stepfunctions/rendered-workflows';

/** The commit the "today" figures are measured on. */
const BASELINE = 'b8e802d';
/** The lifecycle: the channel RUNNING 90 s after StartChannel, MediaConvert jobs of 4 minutes. */
const START_SECONDS = 90;
/** Other starts, for the lag and the poll's cost: one that just misses a look of the old schedule, and the 3-minute start. */
const OTHER_STARTS = [100, 180];
const JOB_SECONDS = 240;
const SECTIONS = 3;
/**
 * Virtual time each AWS call and each Lambda invocation takes (a warm in-region round trip): with
 * none, every look of a poll would happen at the very second it was planned for.
 */
const CALL_MS = 50;
const INVOKE_MS = 50;
/** us-east-1, Standard workflows (https://aws.amazon.com/step-functions/pricing/). */
const DOLLARS_PER_TRANSITION = 0.025 / 1000;

const HERE = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

export interface Measured {
  tree: string;
  /** Billable transitions per execution of the lifecycle, in order. */
  runs: { action: string; transitions: number; retries: number; seconds: number; invocations: number; describeSeconds: number }[];
  /** The 90 s start: seconds from the channel's RUNNING to the execution's end (the record says running). */
  lagSeconds: number;
  /** The {@link OTHER_STARTS}: transitions, lag and Describe time of each. */
  otherStarts: { startSeconds: number; transitions: number; lagSeconds: number; describeSeconds: number }[];
}

/** Whether the checkout has the faster local start (cached state machines, task modules loaded on first run). */
function hasFastLocalStart(root: string): boolean {
  return existsSync(join(root, 'local/stepfunctions/rendered-workflows.ts'));
}

/**
 * The checkout's workflows as its LocalStepFunctions takes them: rendered (since the local start
 * caches them) or, in the baseline, the definitions it rendered itself.
 */
async function renderedWorkflows(root: string, load: <T>(path: string) => Promise<T>): Promise<RenderedWorkflows> {
  if (hasFastLocalStart(root)) {
    const { renderAllWorkflows } = await load<typeof import('../local/stepfunctions/rendered-workflows')>(
      'local/stepfunctions/rendered-workflows.ts',
    );
    return renderAllWorkflows();
  }
  const { WORKFLOWS, allTasks } = await load<typeof import('../workflows/registry')>('workflows/registry.ts');
  // The baseline's LocalStepFunctions rendered the definitions itself; its types are not this tree's.
  return { tasks: allTasks(), workflows: WORKFLOWS as unknown as RenderedWorkflows['workflows'] };
}

/** Runs the lifecycle on the checkout at `root` (its workflows, tasks, API and stand-ins), in this process. */
async function measure(root: string): Promise<Measured> {
  const load = <T>(path: string) => import(pathToFileURL(join(root, path)).href) as Promise<T>;
  await load('core/lambda/polyfills.ts');
  const FakeTimers = (await import('@sinonjs/fake-timers')) as typeof FakeTimersModule;
  const sfnSdk = await import('@aws-sdk/client-sfn');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createApi } = await load<typeof import('../api/handler')>('api/handler.ts');
  const { tasks, workflows } = await renderedWorkflows(root, load);
  const { LocalStepFunctions } = await load<typeof import('../local/stepfunctions/service')>('local/stepfunctions/service.ts');
  const { loadTaskRunner } = await load<typeof import('../local/stepfunctions/tasks')>('local/stepfunctions/tasks.ts');
  const { MEDIACONVERT_CREATE_JOB_SYNC } = await load<typeof import('../local/stepfunctions/integrations')>('local/stepfunctions/integrations.ts');
  // s3rver's start moved out of local/s3.ts with the faster local start; the baseline has it there.
  const { startS3 } = await load<typeof import('../local/s3rver')>(
    existsSync(join(root, 'local/s3rver.ts')) ? 'local/s3rver.ts' : 'local/s3.ts',
  );
  const { ensureTable, startDynalite } = await load<typeof import('../local/dynamodb')>('local/dynamodb.ts');
  const env = await load<typeof import('../local/env')>('local/env.ts');
  const { LocalMediaLive } = await load<typeof import('../local/medialive')>('local/medialive.ts');
  const { LocalMediaPackage } = await load<typeof import('../local/mediapackage')>('local/mediapackage.ts');
  const { LocalKeyValueStore } = await load<typeof import('../local/keyvaluestore')>('local/keyvaluestore.ts');
  const { LocalIvs } = await load<typeof import('../local/ivs')>('local/ivs.ts');
  const { createLocalEcs } = await load<typeof import('../local/ecs')>('local/ecs.ts');
  const { LocalScheduler } = await load<typeof import('../local/scheduler')>('local/scheduler.ts');
  const { localServices } = await load<typeof import('../local/services')>('local/services.ts');
  const tables = await load<Partial<typeof import('../core/aws/tables')> & Pick<typeof import('../core/aws/tables'), 'IDEMPOTENCY_TABLE' | 'STREAM_TABLE'>>('core/aws/tables.ts');
  const { IDEMPOTENCY_TABLE, STREAM_TABLE } = tables;
  const { generateArchive } = await load<typeof import('../test/fixtures/archive')>('test/fixtures/archive.ts');

  const dir = mkdtempSync(join(tmpdir(), 'bench-lifecycle-'));
  const closers: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const processEnv = { ...process.env };
    const [archiveBucket] = env.localBuckets(processEnv);
    const s3 = await startS3({ port: 0, directory: join(dir, 's3'), buckets: env.localBuckets(processEnv) });
    closers.push(() => s3.close());
    const dynamo = await startDynalite({});
    closers.push(() => dynamo.close());
    await ensureTable(dynamo.client, env.LOCAL_NAMES.table, STREAM_TABLE.partitionKey);
    await ensureTable(dynamo.client, env.LOCAL_NAMES.idempotencyTable, IDEMPOTENCY_TABLE.partitionKey);
    // The split progress table, in the trees that have one (the baseline's split writes none).
    const names: Partial<Record<'splitProgressTable', string>> = env.LOCAL_NAMES;
    if (names.splitProgressTable && tables.SPLIT_PROGRESS_TABLE) {
      await ensureTable(dynamo.client, names.splitProgressTable, tables.SPLIT_PROGRESS_TABLE.partitionKey);
    }

    // The media plane: nothing to encode; it notes (in virtual time) when the channel reached RUNNING.
    const runningAt: number[] = [];
    const nothing = () => Promise.resolve();
    const mediaPlane = {
      startChannel: () => Promise.resolve(void runningAt.push(Date.now())),
      stopChannel: nothing,
      removeEndpoint: nothing,
      isPublishing: () => false,
      disconnectPublishers: () => undefined,
      close: nothing,
    };
    const mediapackage = new LocalMediaPackage({ mediaPort: 1, mediaPlane });
    const medialiveOptions = {
      rtmpPort: 1,
      mediaPlane,
      packages: mediapackage,
      inputSecurityGroups: { [env.LOCAL_NAMES.inputSecurityGroupId]: ['127.0.0.1/32'] },
      startSeconds: START_SECONDS,
    };
    const medialive = new LocalMediaLive(medialiveOptions);
    closers.push(() => medialive.close());
    const ivs = new LocalIvs({ rtmpPort: 1, mediaPort: 1 });
    const kvs = new LocalKeyValueStore({ kvsArn: env.LOCAL_KVS_ARN });
    const ecs = createLocalEcs({ onTaskStopped: nothing, taskEnvironment: {} });
    closers.push(() => ecs.close());
    let schedules: unknown[] = [];
    const scheduler = new LocalScheduler({
      storage: { load: () => Promise.resolve(schedules as never), save: (items: unknown[]) => Promise.resolve(void (schedules = items)) },
      startExecution: nothing,
      onMissed: nothing,
      onUndeliverable: nothing,
    });

    // A fake-clock sleep once the clock is installed (below).
    const virtualDelay = (ms: number) => new Promise((done) => setTimeout(done, ms));
    const built: { services?: ReturnType<typeof localServices> } = {};
    const runTaskModule = await (hasFastLocalStart(root)
      ? loadTaskRunner(tasks, () => built.services!, { eager: true })
      : // The baseline imports every task module at start already (and takes no options).
        loadTaskRunner(tasks, () => built.services!));
    // Every task run is one Lambda invocation; a channel Describe's duration is what watching costs.
    const lambdas = { invocations: 0, describeSeconds: 0 };
    const runTask = async (task: string, input: unknown) => {
      const began = Date.now();
      lambdas.invocations++;
      await virtualDelay(INVOKE_MS);
      try {
        return await runTaskModule(task, input);
      } finally {
        if (task === 'describe-channel') lambdas.describeSeconds += (Date.now() - began) / 1000;
      }
    };
    let jobs = 0;
    const stepFunctions = new LocalStepFunctions({
      workflows,
      runTask,
      // Simulated MediaConvert: the job "runs" JOB_SECONDS of virtual time and completes.
      runIntegration: async (resource) => {
        if (resource !== MEDIACONVERT_CREATE_JOB_SYNC) throw new Error(`no ${resource} in this benchmark`);
        await new Promise((done) => setTimeout(done, JOB_SECONDS * 1000));
        return { Job: { Id: `bench-job-${++jobs}`, Status: 'COMPLETE' } };
      },
    });
    closers.push(() => stepFunctions.close());
    const config = env.localConfig(processEnv, { mediaPort: 1, stateMachineArns: stepFunctions.stateMachineArns });
    const services = localServices(config, {
      dynamo: dynamo.client,
      s3Endpoint: s3.endpoint,
      local: {
        medialive: medialive.service,
        mediapackage: mediapackage.service,
        kvs: kvs.service,
        ivs: ivs.service,
        ecs,
        mediaconvert: undefined,
        sfn: stepFunctions.service,
        scheduler: scheduler.service,
      },
    });
    built.services = services;

    // What "nothing in flight" means: no SDK call of any client (the tasks', the API's) is waiting for an answer.
    let inFlight = 0;
    for (const client of Object.values(services)) {
      const sender = client as { send?: (...args: unknown[]) => Promise<unknown> };
      if (typeof sender.send !== 'function') continue;
      const send = sender.send.bind(sender);
      sender.send = async (...args: unknown[]) => {
        inFlight++;
        try {
          return await send(...args);
        } finally {
          inFlight--;
          await virtualDelay(CALL_MS);
        }
      };
    }

    // A small real archive for the split (3 segments of 4 s, as the media plane names them), made before time is faked.
    const prefix = 'bench/lifecycle/';
    const archiveDir = join(dir, 'archive');
    mkdirSync(archiveDir);
    for (const file of await generateArchive({ dir: archiveDir, rate: '25', seconds: 12, segmentLength: 4, width: 64, height: 36, preset: 'ultrafast' })) {
      await services.s3.send(new PutObjectCommand({ Bucket: archiveBucket, Key: `${prefix}${basename(file)}`, Body: readFileSync(join(archiveDir, file)) }));
    }

    const api = createApi(services);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api.handle({
        httpMethod: method,
        path,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        isBase64Encoded: false,
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
      return JSON.parse(res.body || 'null') as Record<string, unknown>;
    };

    const realImmediate = globalThis.setImmediate;
    const clock = FakeTimers.install({
      now: Date.now(),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
      shouldClearNativeTimers: true,
    });
    closers.push(() => clock.uninstall());
    // `node:timers/promises` (the store's conflict backoff, the API's follow-up) on the same clock:
    // its ESM bindings follow the CommonJS exports once synced.
    const timersPromises = require('node:timers/promises') as { setTimeout: unknown };
    const realSleep = timersPromises.setTimeout;
    timersPromises.setTimeout = <T>(ms?: number, value?: T) => new Promise<T | undefined>((done) => setTimeout(() => done(value), ms));
    syncBuiltinESMExports();
    closers.push(() => {
      timersPromises.setTimeout = realSleep;
      syncBuiltinESMExports();
    });
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((done) => realImmediate(done));
    };
    /** Runs `work` to its end, jumping the clock to the next timer whenever nothing is in flight. */
    const drive = async <T>(work: Promise<T>): Promise<T> => {
      let finished = false;
      let spins = 0;
      const watched = work.finally(() => (finished = true));
      for (;;) {
        await settle();
        if (finished) return watched;
        if (inFlight > 0) {
          if (++spins % 20000 === 0) console.error(`still ${inFlight} in flight at ${new Date().toISOString()}`);
          continue;
        }
        if (clock.countTimers() === 0) throw new Error('the lifecycle waits for nothing and does not finish');
        clock.next();
      }
    };

    const history = async (executionArn: string) => {
      const events: { type?: string }[] = [];
      let nextToken: string | undefined;
      do {
        const page = await services.sfn.send(new sfnSdk.GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    };
    const runs: Measured['runs'] = [];
    /**
     * One action through the API, driven until its execution ends: its billable transitions, the
     * task Lambdas it invoked and how long its Describe Lambdas ran (virtual seconds). `streamId`:
     * the stream whose new execution it is ('' for create: read from the reply).
     */
    const act = async (action: string, method: string, path: string, body?: unknown, streamId = path.split('/')[2]) => {
      const began = Date.now();
      const lambdasBefore = { ...lambdas };
      const execution = await drive(
        (async () => {
          const before = streamId ? await executionsOf(streamId) : [];
          const reply = await call(method, path, body);
          const id = streamId || String(reply.id);
          const arn = (await executionsOf(id)).find((e) => !before.includes(e))!;
          await stepFunctions.whenFinished(arn);
          return { arn, id };
        })(),
      );
      const described = await drive(services.sfn.send(new sfnSdk.DescribeExecutionCommand({ executionArn: execution.arn })));
      if (described.status !== 'SUCCEEDED') throw new Error(`${action} ended ${described.status}: ${described.error} ${described.cause}`);
      const events = await drive(history(execution.arn));
      const entered = events.filter((e) => e.type?.endsWith('StateEntered')).length;
      const taskEntries = events.filter((e) => e.type === 'TaskStateEntered').length;
      const retries = events.filter((e) => e.type === 'TaskScheduled').length - taskEntries;
      const end = new Date(described.stopDate!).getTime();
      const run = {
        action,
        transitions: entered + retries,
        retries,
        seconds: (end - began) / 1000,
        invocations: lambdas.invocations - lambdasBefore.invocations,
        describeSeconds: lambdas.describeSeconds - lambdasBefore.describeSeconds,
      };
      return { run, end, id: execution.id };
    };
    const executionsOf = async (id: string): Promise<string[]> => (await services.store.get(id))?.execution_arns ?? [];

    const created = await act('create', 'POST', '/streams', { name: 'lifecycle' }, '');
    runs.push(created.run);
    const id = created.id;
    const started = await act('start', 'POST', `/streams/${id}/start`, { path: `s3://${archiveBucket}/${prefix}`, key_rotation_interval: 0 });
    runs.push(started.run);
    const lagSeconds = (started.end - runningAt.at(-1)!) / 1000;
    runs.push((await act('live', 'POST', `/streams/${id}/live`)).run);
    runs.push((await act('stop', 'POST', `/streams/${id}/stop`)).run);
    const session = String((await drive(services.store.mustGet(id))).current_session_id);
    const sections = Array.from({ length: SECTIONS }, (_, i) => ({ start: i * 4, end: (i + 1) * 4 }));
    runs.push((await act(`split (${SECTIONS} sections)`, 'POST', `/streams/${id}/split`, { session_id: session, timestamp_list: sections })).run);

    // The other starts, on the same stream (stopped again after each), before the delete.
    const otherStarts: Measured['otherStarts'] = [];
    for (const startSeconds of OTHER_STARTS) {
      medialiveOptions.startSeconds = startSeconds;
      const { run, end } = await act(`start (${startSeconds} s)`, 'POST', `/streams/${id}/start`, { key_rotation_interval: 0 });
      otherStarts.push({ startSeconds, transitions: run.transitions, describeSeconds: run.describeSeconds, lagSeconds: (end - runningAt.at(-1)!) / 1000 });
      await act('stop', 'POST', `/streams/${id}/stop`);
    }
    runs.push((await act('delete', 'DELETE', `/streams/${id}`)).run);
    return { tree: root, runs, lagSeconds, otherStarts };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve().then(close).catch(() => undefined);
  }
}

/** A throw-away worktree of the baseline commit, sharing this tree's node_modules. */
function baselineTree(): { dir: string; remove: () => void } {
  const dir = join(tmpdir(), `fmls-lifecycle-${BASELINE}`);
  if (existsSync(dir)) execFileSync('git', ['-C', HERE, 'worktree', 'remove', '--force', dir]);
  execFileSync('git', ['-C', HERE, 'worktree', 'add', '--detach', dir, BASELINE], { stdio: 'ignore' });
  symlinkSync(join(HERE, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => execFileSync('git', ['-C', HERE, 'worktree', 'remove', '--force', dir]) };
}

/** Each tree in its own process: the fake clock and the module graph are per process. */
function measureInChild(root: string): Measured {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(HERE, 'bench/lifecycle.ts'), '--only', root], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`measuring ${root} failed (exit ${child.status ?? child.signal})`);
  const line = child.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as Measured;
}

/** The task Lambdas' memory (infra/lambda.ts) and Arm duration price, us-east-1 (https://aws.amazon.com/lambda/pricing/). */
const LAMBDA_GB = 0.25;
const DOLLARS_PER_GB_SECOND = 0.0000133334;

const dollars = (value: number) => `$${value.toFixed(6)}`;
const transitionCost = (transitions: number) => dollars(transitions * DOLLARS_PER_TRANSITION);
const describeCost = (seconds: number) => dollars(seconds * LAMBDA_GB * DOLLARS_PER_GB_SECOND);
const cell = (before: number, after: number, format: (n: number) => string = String) => `${format(before)} → ${format(after)}`;
const seconds = (n: number) => `${n.toFixed(0)} s`;

interface Totals {
  transitions: number;
  invocations?: number;
  describeSeconds: number;
}
const totals = (rows: readonly Required<Totals>[]): Required<Totals> => ({
  transitions: rows.reduce((sum, r) => sum + r.transitions, 0),
  invocations: rows.reduce((sum, r) => sum + r.invocations, 0),
  describeSeconds: rows.reduce((sum, r) => sum + r.describeSeconds, 0),
});

function row(label: string, before: Totals, after: Totals): string {
  const invocations = before.invocations === undefined || after.invocations === undefined ? '' : cell(before.invocations, after.invocations);
  return (
    `| ${label} | ${cell(before.transitions, after.transitions)} | ${cell(before.transitions, after.transitions, transitionCost)} | ${invocations} | ` +
    `${cell(before.describeSeconds, after.describeSeconds, seconds)} | ${cell(before.describeSeconds, after.describeSeconds, describeCost)} |`
  );
}

function report(today: Measured, now: Measured): void {
  console.log(`Today = ${BASELINE}, now = this tree. Transitions at $0.025 per 1,000; Describe Lambda time at ${LAMBDA_GB * 1024} MB, Arm.\n`);
  console.log('| workflow | state transitions | transition cost | task Lambda invocations | channel Describe Lambda time | its duration cost |');
  console.log('|---|---|---|---|---|---|');
  for (const [i, run] of now.runs.entries()) console.log(row(run.action, today.runs[i], run));
  const beforeDelete = (m: Measured) => totals(m.runs.filter((r) => r.action !== 'delete'));
  console.log(row('**lifecycle before delete**', beforeDelete(today), beforeDelete(now)));
  console.log(row('**whole lifecycle**', totals(today.runs), totals(now.runs)));
  for (const [i, after] of now.otherStarts.entries()) console.log(row(`start, channel RUNNING after ${after.startSeconds} s`, today.otherStarts[i], after));
  console.log('');
  console.log('| detection lag: channel RUNNING → start execution done (the record says running) | today | now |');
  console.log('|---|---|---|');
  console.log(`| channel RUNNING after ${START_SECONDS} s | ${today.lagSeconds.toFixed(1)} s | ${now.lagSeconds.toFixed(1)} s |`);
  for (const [i, after] of now.otherStarts.entries()) {
    console.log(`| channel RUNNING after ${after.startSeconds} s | ${today.otherStarts[i].lagSeconds.toFixed(1)} s | ${after.lagSeconds.toFixed(1)} s |`);
  }
}

const only = process.argv.indexOf('--only');
if (only >= 0) {
  const measured = await measure(resolve(process.argv[only + 1] ?? HERE));
  console.log(JSON.stringify(measured));
  process.exit(0);
} else {
  const baseline = baselineTree();
  try {
    report(measureInChild(baseline.dir), measureInChild(HERE));
  } finally {
    baseline.remove();
  }
}
