import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import type { StreamRecord } from '../../core/domain/record';
import { managedCount } from '../../local/processes';
import { recordOf } from '../fixtures/api-reply';
import { ffprobe, waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

/** A meeting URL of the form operators use: unreachable offline, so each connector streams its labelled test pattern. */
const MEETING = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=mjg-test-connector-meeting';

let t: TestRuntime;

beforeAll(async () => {
  t = await startTestRuntime('connectors');
}, 120_000);

afterAll(async () => t?.close(), 120_000);

async function runningStream(name: string): Promise<StreamRecord> {
  const { api, until } = t;
  const created = await api('POST', '/streams', { name });
  const id: string = recordOf(created).id;
  await until(id, 'idle', (r) => r.state === 'idle');
  expect((await api('POST', `/streams/${id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
  return until(id, 'running', (r) => r.state === 'running');
}

/** The HLS at `url` has at least two segments and carries H.264 video and AAC audio. */
async function expectPlayable(url: string): Promise<void> {
  const playlist = await waitFor(async () => {
    const res = await fetch(url);
    const text = res.ok ? await res.text() : '';
    return (text.match(/#EXTINF/g) ?? []).length >= 2 ? text : undefined;
  }, STEP_MS);
  expectWithMessage(playlist, `no HLS segments at ${url}`).toBeTruthy();
  const probed = await ffprobe(['-show_entries', 'stream=codec_type,codec_name', url]);
  const codecs = (probed.streams ?? []).map((s) => `${s.codec_type}:${s.codec_name}`);
  expect(codecs).toEqual(expect.arrayContaining(['video:h264', 'audio:aac']));
}

describe('Chime connectors end to end (local runtime)', () => {
  it(
    'runs a connector on each of two streams into their HLS, refuses bad calls, stops both clean, then streams to IVS',
    async () => {
      const { api, record, until, runtime } = t;
      const [a, b] = [await runningStream('connector A'), await runningStream('connector B')];

      // Start a connector on each stream at once
      const [startA, startB] = await Promise.all([
        api('POST', `/streams/${a.id}/chime_start`, { chime_url: MEETING }),
        api('POST', `/streams/${b.id}/chime_start`, { chime_url: `${MEETING}&broadcast=true` }),
      ]);
      expect(startA.status).toBe(202);
      expect(recordOf(startA).connector).toMatchObject({ target: 'medialive', state: 'starting', chime_url: `${MEETING}&broadcast=true` });
      expect(startB.status).toBe(202);

      // Bad calls change nothing
      expect((await api('POST', `/streams/${a.id}/chime_start`, { chime_url: MEETING })).status).toBe(409);
      expect((await api('POST', `/streams/${a.id}/ivs_start`, { chime_url: MEETING })).status).toBe(409);
      expect((await api('POST', `/streams/${a.id}/ivs_stop`)).status).toBe(409);
      expect((await api('POST', `/streams/${a.id}/chime_start`, { chime_url: 'not a url' })).status).toBe(400);
      expect((await api('POST', `/streams/${a.id}/chime_start`, {})).status).toBe(400);

      // Both run, say what they stream, and feed their own stream's HLS
      for (const stream of [a, b]) {
        const running = await until(stream.id, 'connector running', (r) => r.connector?.state === 'running');
        expect(running.connector).toMatchObject({ target: 'medialive', source: 'test_pattern' });
        expect(running.connector!.task_id).toMatch(/^[0-9a-f]{32}$/);
      }
      expect((await record(a.id)).connector!.task_id).not.toBe((await record(b.id)).connector!.task_id);
      await Promise.all([expectPlayable(a.viewer_endpoint), expectPlayable(b.viewer_endpoint)]);

      // Stop both; the connector slot is free again and no connector process is left
      expect((await api('POST', `/streams/${a.id}/chime_stop`)).status).toBe(202);
      expect((await api('POST', `/streams/${b.id}/chime_stop`)).status).toBe(202);
      for (const stream of [a, b]) {
        const stopped = await until(stream.id, 'connector cleared', (r) => r.connector === null);
        expect(stopped.last_error).toBeNull();
      }
      expect((await api('POST', `/streams/${a.id}/chime_stop`)).status).toBe(409);

      // IVS: a channel made once, its URLs on the record, its own HLS fed by the connector
      expect((await api('POST', `/streams/${a.id}/ivs_start`, { chime_url: MEETING })).status).toBe(202);
      const ivs = await until(a.id, 'IVS connector running', (r) => r.connector?.state === 'running');
      expect(ivs.connector!.target).toBe('ivs');
      expect(ivs.rtmp_ivs).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/app\/sk_/);
      expect(ivs.ivs_viewer_endpoint).toMatch(new RegExp(`^${runtime.endpoints.media}/out/v1/ivs-[0-9a-f]+/index\\.m3u8$`));
      await expectPlayable(ivs.ivs_viewer_endpoint!);
      expect((await api('POST', `/streams/${a.id}/ivs_stop`)).status).toBe(202);
      const ivsStopped = await until(a.id, 'IVS connector cleared', (r) => r.connector === null);
      // The channel is kept for the next ivs_start.
      expect(ivsStopped.ivs_viewer_endpoint).toBe(ivs.ivs_viewer_endpoint);

      for (const stream of [a, b]) expect((await api('POST', `/streams/${stream.id}/stop`)).status).toBe(202);
      for (const stream of [a, b]) await until(stream.id, 'idle', (r) => r.state === 'idle');
      await runtime.close();
      expect(managedCount()).toBe(0);
    },
    900_000,
  );
});
