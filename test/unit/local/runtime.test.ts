import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateInputCommand, DescribeInputCommand } from '@aws-sdk/client-medialive';
import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newHexId } from '../../../core/domain/ids';
import { newStreamItem } from '../../../core/domain/record';
import { startRuntime, type Runtime } from '../../../local/runtime';
import { isolatedRuntimeOptions } from '../../e2e/harness';
import { RecordingMediaPlane } from './fakes';

let dir: string;
let runtime: Runtime | undefined;
let plane: RecordingMediaPlane;

/** The runtime with a media plane that only records: the control plane without ffmpeg. */
function start() {
  return startRuntime({
    ...isolatedRuntimeOptions(dir),
    LOCAL_CHANNEL_START_SECONDS: 0,
    startMediaPlane: () => Promise.resolve({ plane, rtmpPort: 19350, mediaPort: 18080, close: () => plane.close() }),
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runtime-'));
  plane = new RecordingMediaPlane();
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('local runtime', () => {
  it('serves the API on 127.0.0.1 and reports ready once everything is up', async () => {
    runtime = await start();

    const health = await fetch(runtime.endpoints.healthz);
    const streams = await fetch(`${runtime.endpoints.api}/streams`);

    expect(runtime.endpoints.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.endpoints.rtmp).toBe('rtmp://127.0.0.1:19350');
    expect(health.status).toBe(200);
    expect(await streams.json()).toEqual([]);
  });

  it('stops what it started when a part fails to start, so the next start on the same data has it to itself', async () => {
    const failing = startRuntime({
      ...isolatedRuntimeOptions(dir),
      startMediaPlane: () => Promise.reject(new Error('RTMP port taken')),
    });
    await expect(failing).rejects.toThrow('RTMP port taken');

    // dynalite's LevelDB store takes a lock on its folder and the S3 store is s3rver's alone:
    // a part left running would make this start fail.
    runtime = await start();
    expect((await fetch(runtime.endpoints.healthz)).status).toBe(200);
  });

  it('gives tasks the local wiring through the same Config as the cloud', async () => {
    runtime = await start();
    const { config } = runtime.services;

    expect(config).toMatchObject({
      TABLE_NAME: 'fmls-streams',
      LIVE_BASE_URL: 'http://127.0.0.1:18080',
      INPUT_SECURITY_GROUP_ID: '1000000',
      STATE_MACHINE_ARNS: expect.objectContaining({ stop: 'arn:aws:states:us-east-1:000000000000:stateMachine:fmls-stop' }),
    });
  });

  it('keeps streams, local resources and executions across a restart, and reconciles what claimed to run', async () => {
    runtime = await start();
    const { services } = runtime;
    const id = newHexId();
    await services.store.create({ ...newStreamItem({ id, name: 'was running', now: '1700000000' }), state: 'running', started: true });
    const { Input } = await services.medialive.send(
      new CreateInputCommand({ Type: 'RTMP_PUSH', Destinations: [{ StreamName: 'live/a' }], InputSecurityGroups: ['1000000'] }),
    );
    // An execution about another (absent) stream, so it can't race the reconciliation checked below.
    const other = newHexId();
    await services.sfn.send(
      new StartExecutionCommand({ stateMachineArn: services.config.STATE_MACHINE_ARNS.stop, name: `stop-${other}-v1`, input: JSON.stringify({ stream_id: other }) }),
    );
    await runtime.close();

    runtime = await start();
    const after = runtime.services;
    const stream = await after.store.mustGet(id);
    const input = await after.medialive.send(new DescribeInputCommand({ InputId: Input!.Id }));
    const executions = await after.sfn.send(new ListExecutionsCommand({ stateMachineArn: after.config.STATE_MACHINE_ARNS.stop }));

    expect(stream).toMatchObject({ state: 'idle', started: false, last_error: { action: 'start' } });
    expect(input.Destinations![0].Url).toBe('rtmp://127.0.0.1:19350/live/a');
    expect(executions.executions!.map((e) => e.name)).toEqual([`stop-${other}-v1`]);
  });
});
