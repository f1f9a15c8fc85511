import { describe, expect, it } from '@jest/globals';
import type { StreamRecord } from '../../../core/domain/record';
import type { ApiClient, Reply } from '../../../cli/api-client';
import { ApiError, WaitTimedOut } from '../../../cli/errors';
import { followAction, followSplit, type Progress } from '../../../cli/waiter';

// --wait's verdicts, over scripted API answers: what the record and the execution say, poll by
// poll, and what the CLI concludes (success, the error it exits 1 with, or the timeout, exit 3).

const ID = '0123456789abcdef0123456789abcdef';
const ARN = (name: string) => `arn:aws:states:local:000000000000:execution:fm-start:${name}`;

type Answer = Reply | ApiError;

/** A client whose GETs answer from `script[path]`, one answer per poll (the last one repeats). */
function scripted(script: Record<string, Answer[]>): ApiClient {
  const polls: Record<string, number> = {};
  return {
    origin: 'http://127.0.0.1:1',
    signed: false,
    request(method, path) {
      const answers = script[path];
      if (method !== 'GET' || !answers) throw new Error(`unexpected ${method} ${path}`);
      const n = (polls[path] = (polls[path] ?? -1) + 1);
      const answer = answers[Math.min(n, answers.length - 1)];
      return answer instanceof ApiError ? Promise.reject(answer) : Promise.resolve(answer);
    },
    forward() {
      throw new Error('not used');
    },
  };
}

const record = (fields: Partial<StreamRecord>): Reply => ({ status: 200, body: { id: ID, version: 5, state: 'starting', connector: null, last_error: null, ...fields } });
const execution = (name: string, status: string, current_state: string, error: unknown = null) => ({
  execution_id: ARN(name),
  action: name.split('-')[0],
  status,
  started_at: new Date().toISOString(),
  stopped_at: null,
  current_state,
  error,
});
const executions = (...list: unknown[]): Reply => ({ status: 200, body: list });

function recorder(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return { lines, update: (line) => lines.push(line), done: () => undefined };
}

const options = (progress: Progress, timeoutMs = 5000) => ({ timeoutMs, intervalMs: 1, progress });
const answered = { id: ID, version: 5 } as StreamRecord;

describe('--wait on a stream action', () => {
  it('succeeds once the execution succeeded and the record settled, reporting each step', async () => {
    const client = scripted({
      [`/streams/${ID}`]: [record({}), record({}), record({ state: 'running' })],
      [`/streams/${ID}/executions`]: [
        executions(execution(`start-${ID}-v5`, 'RUNNING', 'Begin archive session')),
        executions(execution(`start-${ID}-v5`, 'RUNNING', 'Describe channel')),
        executions(execution(`start-${ID}-v5`, 'SUCCEEDED', 'Running')),
      ],
    });
    const progress = recorder();
    const outcome = await followAction(client, { action: 'start', id: ID, answered, since: Date.now() }, options(progress));
    expect(outcome.failure).toBeUndefined();
    expect(outcome.value?.state).toBe('running');
    expect(progress.lines.map((l) => l.replace(/ · \d+s · /, ' | '))).toEqual([
      'start 01234567: starting | Begin archive session',
      'start 01234567: starting | Describe channel',
      'start 01234567: running | Running',
    ]);
  });

  it("fails with the execution's error when it failed, even while an older execution of the action succeeded", async () => {
    const client = scripted({
      [`/streams/${ID}`]: [record({ state: 'idle', last_error: { action: 'start', message: 'channel never reached RUNNING', at: '1', execution_id: ARN(`start-${ID}-v5`) } })],
      [`/streams/${ID}/executions`]: [
        executions(execution(`start-${ID}-v5`, 'FAILED', 'Start failed', { error: 'ChannelNotRunning', message: 'channel never reached RUNNING' }), execution(`start-${ID}-v2`, 'SUCCEEDED', 'Running')),
      ],
    });
    const outcome = await followAction(client, { action: 'start', id: ID, answered, since: Date.now() }, options(recorder()));
    expect(outcome.failure).toBe('start FAILED: ChannelNotRunning: channel never reached RUNNING');
  });

  it("fails with last_error when the stream ends failed, and when the execution succeeded but recorded this execution's error", async () => {
    const failed = scripted({
      [`/streams/${ID}`]: [record({ state: 'failed', last_error: { action: 'create', message: 'MediaLive said no', at: '1', execution_id: ARN(`create-${ID}-v1`) } })],
      [`/streams/${ID}/executions`]: [executions(execution(`create-${ID}-v1`, 'SUCCEEDED', 'Failed'))],
    });
    expect((await followAction(failed, { action: 'create', id: ID, since: Date.now() }, options(recorder()))).failure).toBe('create failed: MediaLive said no');

    const recorded = scripted({
      [`/streams/${ID}`]: [record({ state: 'running', connector: null, last_error: { action: 'chime_start', message: 'task stopped', at: '1', execution_id: ARN(`chime_start-${ID}-v5`) } })],
      [`/streams/${ID}/executions`]: [executions(execution(`chime_start-${ID}-v5`, 'SUCCEEDED', 'Connector failed'))],
    });
    expect((await followAction(recorded, { action: 'chime_start', id: ID, answered, since: Date.now() }, options(recorder()))).failure).toBe('chime_start failed: task stopped');
  });

  it('a delete is done once the stream is gone; any other action that loses its stream failed', async () => {
    const gone = () => scripted({ [`/streams/${ID}`]: [new ApiError(404, 'NotFound', 'no such stream')], [`/streams/${ID}/executions`]: [executions()] });
    expect(await followAction(gone(), { action: 'delete', id: ID, since: Date.now() }, options(recorder()))).toEqual({ value: undefined });
    expect((await followAction(gone(), { action: 'create', id: ID, since: Date.now() }, options(recorder()))).failure).toMatch(/the stream is gone/);
  });

  it('times out (exit 3) saying where the stream is', async () => {
    const client = scripted({
      [`/streams/${ID}`]: [record({})],
      [`/streams/${ID}/executions`]: [executions(execution(`start-${ID}-v5`, 'RUNNING', 'Describe channel'))],
    });
    const waiting = followAction(client, { action: 'start', id: ID, answered, since: Date.now() }, options(recorder(), 20));
    await expect(waiting).rejects.toBeInstanceOf(WaitTimedOut);
    await expect(waiting).rejects.toThrow(/^timed out after \d+s waiting for start of 0123456789abcdef0123456789abcdef: state starting, step Describe channel$/);
  });
});

describe('--wait on a split', () => {
  const path = `/streams/${ID}/splits/x`;
  const section = (index: number, state: string, extra = {}) => ({ index, start: 0, end: 1, state, output: `s3://out/${index}.mp4`, ...extra });
  it('succeeds when every section is done, and fails naming each failed section', async () => {
    const done = scripted({
      [path]: [
        { status: 200, body: { execution_id: 'x', status: 'RUNNING', sections: [section(0, 'pending'), section(1, 'pending')] } },
        { status: 200, body: { execution_id: 'x', status: 'SUCCEEDED', sections: [section(0, 'done'), section(1, 'done')] } },
      ],
    });
    const progress = recorder();
    expect((await followSplit(done, path, options(progress))).failure).toBeUndefined();
    expect(progress.lines[0]).toMatch(/^split: RUNNING · \d+s · 0\/2 sections done$/);

    const partly = scripted({ [path]: [{ status: 200, body: { execution_id: 'x', status: 'SUCCEEDED', sections: [section(0, 'done'), section(1, 'failed', { error: 'past the end of the archive' })] } }] });
    expect((await followSplit(partly, path, options(recorder()))).failure).toBe('section 2 (index 1) failed: past the end of the archive');
  });
});
