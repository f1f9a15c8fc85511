import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseArchivePath } from '../../core/domain/archive-path';
import { managedCount } from '../../local/processes';
import { recordOf } from '../fixtures/api-reply';
import { ffprobe, publish, waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

const SEGMENT_LENGTH = 4;
const PUBLISH_SECONDS = 24;

let local: TestRuntime;

beforeAll(async () => {
  local = await startTestRuntime('lifecycle');
}, 120_000);

afterAll(async () => local?.close(), 120_000);

describe('local runtime end to end', () => {
  it(
    'creates, starts, plays encrypted HLS of a real publish, goes live and back, stops with an exact archive, deletes',
    async () => {
      const { api, runtime, untilState } = local;
      // Create
      const created = await api('POST', '/streams', { name: 'e2e workshop', segment_length: SEGMENT_LENGTH });
      expect([201, 202]).toContain(created.status);
      const id: string = recordOf(created).id;
      const idle = await untilState(id, 'idle');
      expect(idle.rtmp1).toMatch(new RegExp(`^${runtime.endpoints.rtmp}/live/.+`));
      expect(idle.viewer_endpoint).toBe(`${runtime.endpoints.media}/out/v1/${idle.package_endpoint_id}/index.m3u8`);

      // Start
      const starting = await api('POST', `/streams/${id}/start`, { startover_window_seconds: 120, key_rotation_interval: 60 });
      expect(starting.status).toBe(202);
      const running = await untilState(id, 'running');
      const session = running.current_session_id!;
      expect(running.archives_path[session]).toMatch(/^s3:\/\//);

      // Publish like OBS would, and play what comes out
      const publisher = publish(running.rtmp1, PUBLISH_SECONDS, 25);
      const playlist = await waitFor(async () => {
        const res = await fetch(running.viewer_endpoint);
        const text = res.ok ? await res.text() : '';
        return (text.match(/#EXTINF/g) ?? []).length >= 2 ? text : undefined;
      }, 60_000);
      expect(playlist).toContain('#EXT-X-KEY:METHOD=AES-128');
      const probed = await ffprobe(['-show_entries', 'stream=codec_type,codec_name', running.viewer_endpoint]);
      const codecs = (probed.streams ?? []).map((s) => `${s.codec_type}:${s.codec_name}`);
      expect(codecs).toEqual(expect.arrayContaining(['video:h264', 'audio:aac']));

      // Live alias appears, then disappears
      expect((await api('POST', `/streams/${id}/live`)).status).toBe(204);
      const live = await local.record(id);
      expect(live.live).toBe(true);
      expect(live.live_endpoint).toBe(`${runtime.endpoints.media}/live/${id}/index.m3u8`);
      expect((await fetch(live.live_endpoint!)).status).toBe(200);
      expect((await api('DELETE', `/streams/${id}/live`)).status).toBe(204);
      const unlive = await local.record(id);
      expect(unlive.live).toBe(false);
      expect((await fetch(live.live_endpoint!)).status).toBe(404);

      // Stop once the publisher is done: the archive has every segment, each exactly segment_length but the last
      expect((await publisher.exited).code).toBe(0);
      expect((await api('POST', `/streams/${id}/stop`)).status).toBe(202);
      const stopped = await untilState(id, 'idle');
      expect(stopped.last_stopped).not.toBeNull();
      const { bucket, prefix } = parseArchivePath(stopped.archives_path[session]);
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: runtime.services.s3 }, { Bucket: bucket, Prefix: prefix })) {
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      }
      const pipeline1 = keys.filter((k) => /archive_1\.\d{6}\.ts$/.test(k)).sort();
      expect(pipeline1[0]).toBe(`${prefix}archive_1.000001.ts`);
      expect(pipeline1.length).toBeGreaterThanOrEqual(Math.floor(PUBLISH_SECONDS / SEGMENT_LENGTH) - 1);
      const durations: number[] = [];
      for (const key of pipeline1) {
        const info = await ffprobe(['-show_entries', 'format=duration', `${runtime.endpoints.s3}/${bucket}/${key}`]);
        durations.push(Number(info.format?.duration));
      }
      for (const duration of durations.slice(0, -1)) expect(duration).toBeCloseTo(SEGMENT_LENGTH, 1);
      expect(durations.at(-1)!).toBeLessThanOrEqual(SEGMENT_LENGTH + 0.05);

      // Delete: the record goes, the recording stays
      expect((await api('DELETE', `/streams/${id}`)).status).toBe(202);
      const gone = await waitFor(async () => ((await api('GET', `/streams/${id}`)).status === 404 ? true : undefined), STEP_MS);
      expect(gone).toBe(true);
      const kept = await fetch(`${runtime.endpoints.s3}/${bucket}/${pipeline1[0]}`);
      expect(kept.status).toBe(200);

      // Nothing the runtime started is left running once it closes
      await runtime.close();
      expect(managedCount()).toBe(0);
    },
    600_000,
  );
});
