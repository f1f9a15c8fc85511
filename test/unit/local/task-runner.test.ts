import { DescribeChannelCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from '@jest/globals';
import type { Services } from '../../../core/aws/services';
import { loadTaskRunner } from '../../../local/stepfunctions/tasks';

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
});
