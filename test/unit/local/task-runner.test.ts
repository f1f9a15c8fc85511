import { DescribeChannelCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Services } from '../../../core/aws/services';
import { loadTaskRunner } from '../../../local/stepfunctions/tasks';

const FIXTURE_TASKS = fileURLToPath(new URL('./fixtures/tasks/', import.meta.url));

function services(): Services {
  const medialive = new MediaLiveClient({ region: 'us-east-1' });
  mockClient(medialive).on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
  return { medialive, now: () => new Date('2026-01-01T00:00:00Z') } as unknown as Services;
}

describe('local task runner', () => {
  it("runs a task file's run with the runtime's services and returns its output as JSON", async () => {
    const runTask = await loadTaskRunner(['describe-channel'], services);

    const out = await runTask('describe-channel', { channel_id: '1234567', poll: { deadline_seconds: 60 } });

    expect(out).toMatchObject({ status: 'RUNNING', attempt: 1, started_at: '2026-01-01T00:00:00.000Z', expired: false });
  });

  it("fails a bad input as the Lambda handler would: Invalid, with Lambda's JSON cause", async () => {
    const runTask = await loadTaskRunner(['describe-channel'], services);

    const failure = runTask('describe-channel', { poll: {} });

    await expect(failure).rejects.toMatchObject({ name: 'Invalid' });
    const cause: unknown = JSON.parse(((await failure.catch((e: Error) => e)) as Error).message);
    expect(cause).toMatchObject({ errorType: 'Invalid', errorMessage: expect.stringContaining('task input invalid: channel_id') });
  });

  it('refuses to start with a task file that does not exist', async () => {
    await expect(loadTaskRunner(['no-such-task'], services)).rejects.toThrow();
  });

  it('imports a task module on its first run, not when the runtime starts', async () => {
    const loads = () => (globalThis as { taskModuleLoads?: number }).taskModuleLoads ?? 0;
    const runTask = await loadTaskRunner(['counts-its-loads'], services, { dir: FIXTURE_TASKS });
    expect(loads()).toBe(0);

    const [first, second] = await Promise.all([runTask('counts-its-loads', {}), runTask('counts-its-loads', {})]);
    const third = await runTask('counts-its-loads', {});

    expect([first, second, third]).toEqual([{ loads: 1 }, { loads: 1 }, { loads: 1 }]);
  });

  it('fails the first run of a task module without run, as a Lambda without its handler fails its invocation', async () => {
    const runTask = await loadTaskRunner(['exports-no-run'], services, { dir: FIXTURE_TASKS });

    await expect(runTask('exports-no-run', {})).rejects.toThrow('must export Input and run');
  });

  it('refuses to run a task it was not given', async () => {
    const runTask = await loadTaskRunner(['counts-its-loads'], services, { dir: FIXTURE_TASKS });

    await expect(runTask('describe-channel', {})).rejects.toThrow('no task describe-channel is loaded');
  });
});
