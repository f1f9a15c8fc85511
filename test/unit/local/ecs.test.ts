import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTasksCommand, ECSClient, InvalidParameterException, ListTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { createLocalEcs, type LocalEcs, type TaskStateChange } from '../../../local/ecs';
import { mediaTools } from '../../../local/ffmpeg';
import { spawnManaged, type ManagedProcess } from '../../../local/processes';
import { aStream, useStreamStore } from '../../fixtures/stream-store';
import { connector } from '../tasks/connector-fixtures';

// Unique per run: the process scan below must not find another test's key.
const KEY = `secret-key-${randomBytes(6).toString('hex')}`;
const store = useStreamStore();
let ecsService: LocalEcs;
let ecs: ECSClient;
let dir: string;
const stopped: TaskStateChange[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An RTMP server for one publish: ffmpeg `-listen 1`, copying what arrives into an FLV file. */
function rtmpListener(port: number, file: string): ManagedProcess {
  const { ffmpeg } = mediaTools();
  return spawnManaged(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/app/${KEY}`, '-c', 'copy', '-y', file], {
    name: 'rtmp-listener',
    env: ffmpeg.env,
  });
}

function codecsOf(file: string): string[] {
  const { ffprobe } = mediaTools();
  const out = execFileSync(ffprobe.path, ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file], {
    env: { ...process.env, ...ffprobe.env },
  });
  return out.toString().trim().split('\n').map((line) => line.split(',').filter(Boolean).join(' ').replace(/ (\d+) (\d+)$/, ' $1x$2'));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function describeTask(arn: string): Promise<Task | undefined> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster: 'connectors', tasks: [arn], include: ['TAGS'] }));
  return out.tasks?.[0];
}

/** A stream whose connector `execution` claimed, pushing to an RTMP server on `port`: what the task reads at start. */
async function connectorStream(port: number, execution: string): Promise<string> {
  const item = await aStream(store(), {
    state: 'running',
    rtmp1: `rtmp://127.0.0.1:${port}/app/${KEY}`,
    connector: connector({ chime_url: 'https://meet.example.invalid/v2?m=a&broadcast=true' }),
    connector_execution: execution,
  });
  return item.id;
}

async function runTask(port: number, token: string, extraEnv: { name: string; value: string }[] = []) {
  const stream = await connectorStream(port, token);
  return ecs.send(
    new RunTaskCommand({
      cluster: 'connectors',
      taskDefinition: 'connector:1',
      startedBy: token,
      clientToken: token,
      group: `connector-${stream}`,
      overrides: {
        containerOverrides: [
          {
            name: 'connector',
            environment: [
              { name: 'STREAM_ID', value: stream },
              { name: 'CONNECTOR_EXECUTION', value: token },
              { name: 'RESOLUTION', value: '720p' },
              ...extraEnv,
            ],
          },
        ],
      },
    }),
  );
}

/**
 * The command lines on this machine that hold `text`, but the test's own RTMP server's (the
 * stand-in for the ingest, which is given the key to accept it: `-listen 1`).
 */
function commandLinesWith(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(text) && !cmdline.includes('-listen 1')) found.push(`${pid}: ${cmdline}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-test-'));
  // The meeting is unreachable offline: the connector must fall back to its test pattern.
  ecsService = createLocalEcs({
    workDir: join(dir, 'work'),
    onTaskStopped: (d) => void stopped.push(d),
    taskEnvironment: {
      STREAMS_TABLE: 'streams',
      DYNAMODB_ENDPOINT: store.endpoint(),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    },
  });
  ecs = bindLocalService(new ECSClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), ecsService);
});
afterAll(async () => {
  await ecsService.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('local ECS running the connector', () => {
  it('streams a labelled test pattern with a tone into an RTMP server, reports READY, and stops cleanly', async () => {
    // Prepare
    const port = await freePort();
    const received = join(dir, 'received.flv');
    const listener = rtmpListener(port, received);

    // Act
    const run = await runTask(port, 'token-a');
    const arn = run.tasks![0].taskArn!;
    const healthy = await until('a healthy task', async () => ((await describeTask(arn))?.healthStatus === 'HEALTHY' ? describeTask(arn) : undefined));
    const keyedCommandLines = commandLinesWith(KEY);
    const again = await runTask(port, 'token-a');
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'connectors', startedBy: 'token-a' }));
    await ecs.send(new StopTaskCommand({ cluster: 'connectors', task: arn, reason: 'chime_stop requested' }));
    const done = await until('the task to stop', async () => ((await describeTask(arn))?.lastStatus === 'STOPPED' ? describeTask(arn) : undefined));
    await listener.exited;

    // Assess
    expect(healthy.lastStatus).toBe('RUNNING');
    expect(healthy.tags).toContainEqual({ key: 'connector-source', value: 'test_pattern' });
    expect(again.tasks![0].taskArn).toBe(arn);
    expect(listed.taskArns).toEqual([arn]);
    expect(done).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'chime_stop requested', desiredStatus: 'STOPPED' });
    expect(done.containers![0].exitCode).toBe(0);
    expect(statSync(received).size).toBeGreaterThan(10_000);
    expect(codecsOf(received)).toEqual(['h264 1280x720', 'aac']);
    expect(stopped.find((d) => d.taskArn === arn)).toMatchObject({ lastStatus: 'STOPPED', group: expect.stringMatching(/^connector-/), stopCode: 'UserInitiated' });
    // Issue 9 item 10: the key reached ffmpeg on no command line (`ps`), though it pushed with it.
    expect(keyedCommandLines).toEqual([]);
    // Issue 10 item 7: DescribeTasks shows the overrides and so does ECS's event (SDK model docs,
    // node_modules/@aws-sdk/client-ecs/dist-types/models/models_1.d.ts: Task.overrides); neither holds the key.
    expect(healthy.overrides?.containerOverrides?.[0]?.environment).toContainEqual({ name: 'RESOLUTION', value: '720p' });
    expect(JSON.stringify(healthy)).not.toContain(KEY);
    expect(JSON.stringify(done)).not.toContain(KEY);
    expect(JSON.stringify(stopped.find((d) => d.taskArn === arn))).not.toContain(KEY);
  });

  it('reports a connector that dies, with a reason that holds no stream key', async () => {
    const port = await freePort(); // nothing listens there

    const run = await runTask(port, 'token-b', [{ name: 'FFMPEG_RESTARTS', value: '0' }]);
    const arn = run.tasks![0].taskArn!;
    const done = await until('the task to stop', async () => ((await describeTask(arn))?.lastStatus === 'STOPPED' ? describeTask(arn) : undefined));

    expect(done.stopCode).toBe('EssentialContainerExited');
    expect(done.containers![0]).toMatchObject({ exitCode: 1, reason: expect.stringContaining('ffmpeg exited') });
    const report = stopped.find((d) => d.taskArn === arn);
    expect(report?.stopCode).toBe('EssentialContainerExited');
    expect(JSON.stringify(report)).not.toContain(KEY);
    expect((await ecs.send(new ListTasksCommand({ cluster: 'connectors', startedBy: 'token-b' }))).taskArns).toEqual([]);
  });

  it('answers for unknown tasks as ECS does', async () => {
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'connectors', tasks: ['nope'] }));

    expect(described.failures).toEqual([{ arn: 'nope', reason: 'MISSING' }]);
    await expect(ecs.send(new StopTaskCommand({ cluster: 'connectors', task: 'nope' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
