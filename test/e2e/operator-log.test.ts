import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { startChildRuntime, type ChildRuntime } from './child-runtime';
import { STEP_MS } from './harness';

/**
 * `npm start`'s terminal, as an operator reads it at the default level: one short line per thing
 * that happened to a stream (created, starting, running, publisher connected and gone, stopping,
 * idle with why) and per failure (a publish refused), no per-request line and no JSON; the AWS
 * SDK's nine-line Node warning replaced by one banner line; and no stream key anywhere. (At
 * debug, requests show: test/e2e/secrets.test.ts reads that log.)
 */
let dataDir: string;
let rt: ChildRuntime;
let id: string;
let keys: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'e2e-operator-log-'));
  // The default level: not the tests' ERROR (test/global-setup.ts), not a shell's LOG_LEVEL.
  rt = await startChildRuntime(dataDir, { POWERTOOLS_LOG_LEVEL: undefined, LOG_LEVEL: undefined, LOCAL_CHANNEL_START_SECONDS: '1' });
}, STEP_MS);

afterAll(async () => {
  if (rt) expect(await rt.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
}, STEP_MS);

/** Waits until the log has a line matching `pattern` (the event lines come a moment after the write). */
async function logLine(pattern: RegExp): Promise<string> {
  const line = await waitFor(() => Promise.resolve(rt.output().split('\n').find((l) => pattern.test(l))), 15_000, 50);
  expectWithMessage(line, `no log line matching ${pattern} in:\n${rt.output()}`).toBeDefined();
  return line!;
}

describe("the local runtime's log at the default level", () => {
  it(
    'says what happened to the stream, one line each, through create, start, a publish, a refused publish and stop',
    async () => {
      const created = await rt.api('POST', '/streams', { name: 'operator-log', segment_length: 2 });
      expect([201, 202]).toContain(created.status);
      id = recordOf(created).id;
      const idle = await rt.untilState(id, 'idle');
      keys = [idle.rtmp1, idle.rtmp2].map((url) => url.split('/').pop()!);
      await logLine(new RegExp(`^\\d\\d:\\d\\d:\\d\\d INFO  stream ${id}: created$`));

      expect((await rt.api('POST', `/streams/${id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
      const running = await rt.untilState(id, 'running');
      await logLine(new RegExp(`INFO  stream ${id}: starting \\(was idle\\)$`));
      await logLine(new RegExp(`INFO  stream ${id}: running \\(was starting\\), session ${running.current_session_id}$`));

      const refused = publish(`${running.rtmp1.replace(/[^/]+$/, '')}not-a-key`, 5);
      const publisher = publish(running.rtmp1, 30);
      try {
        await logLine(new RegExp(`INFO  stream ${id}: publisher connected$`));
        await logLine(/WARN {2}rtmp ingest: publish rejected: no running channel takes this stream key from this address app=live$/);
        expect((await rt.api('POST', `/streams/${id}/stop`)).status).toBe(202);
        await rt.untilState(id, 'idle');
      } finally {
        await Promise.all([publisher.stop(), refused.stop()]);
      }
      await logLine(new RegExp(`INFO  stream ${id}: stopping \\(was running\\)$`));
      await logLine(new RegExp(`INFO  stream ${id}: idle \\(was stopping\\), stop_reason operator$`));
      await logLine(new RegExp(`INFO  stream ${id}: publisher disconnected$`));
    },
    STEP_MS,
  );

  it('has no request line and no JSON: every line after the banner is `HH:MM:SS LEVEL …`', () => {
    const afterBanner = rt.output().split('Ctrl-C stops everything.\n')[1] ?? '';
    const lines = afterBanner.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.filter((l) => !/^\d\d:\d\d:\d\d (INFO |WARN |ERROR) \S/.test(l))).toEqual([]);
    expect(rt.output()).not.toMatch(/api request|"level":/);
  });

  it("shows the AWS SDK's Node notice as one banner line of ours, not the SDK's warning", () => {
    expect(rt.output()).not.toMatch(/NodeVersionSupportWarning|--trace-warnings/);
    const major = Number(process.versions.node.split('.')[0]);
    const notice = /^ {2}Node v[\d.]+: runs everything here; AWS SDK v3 releases after the first week of January 2027 need Node ≥ 22, which is recommended$/m;
    if (major < 22) expect(rt.output()).toMatch(notice);
    else expect(rt.output()).not.toMatch(notice);
  });

  it('holds no stream key', () => {
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key.length).toBeGreaterThan(8);
    // A count, not the keys: the failure message is a log too.
    expect(keys.filter((key) => rt.output().includes(key)).length).toBe(0);
  });
});
