import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness } from './harness';

// Short actions wait for their workflow up to API_WAIT_SECONDS, polling DescribeExecution.
const h = new ApiHarness();
beforeAll(() => h.start({ API_WAIT_SECONDS: '5' }));
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

describe('waiting for a short action', () => {
  it('polls until the workflow ends, then answers as the action says', async () => {
    const stream = await h.seed();
    h.sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED' });

    const res = await h.call('POST', `/streams/${stream.id}/live`);

    expect(res.status).toBe(204);
    expect(h.sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
  });

  it('500s when it cannot follow the workflow', async () => {
    const stream = await h.seed();
    h.sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const res = await h.call('POST', `/streams/${stream.id}/live`);

    h.expectError(res, 500, 'InternalError', /could not follow the live workflow \(request id req-1\)/);
  });
});
