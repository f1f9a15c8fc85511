import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseArchivePath } from '../../core/domain/archive-path';
import { recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

let local: TestRuntime;

beforeAll(async () => {
  local = await startTestRuntime('delete');
}, 120_000);

afterAll(async () => local?.close(), 120_000);

async function archiveKeys(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: local.runtime.services.s3 }, { Bucket: bucket, Prefix: prefix })) {
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  return keys;
}

describe('deleting a stream', () => {
  it(
    'stops serving its playlist, segments and keys, removes its live files and keeps its recording',
    async () => {
      const { api, runtime, untilState } = local;
      const created = await api('POST', '/streams', { name: 'deleted while playing', segment_length: 2 });
      const id: string = recordOf(created).id;
      await untilState(id, 'idle');
      expect((await api('POST', `/streams/${id}/start`, { key_rotation_interval: 60 })).status).toBe(202);
      const running = await untilState(id, 'running');
      const publisher = publish(running.rtmp1, 60, 15);
      try {
        // A playlist naming a segment and its key, and a closed archive segment in S3.
        const playlist = await waitFor(async () => {
          const res = await fetch(running.viewer_endpoint);
          const text = res.ok ? await res.text() : '';
          return /^segments\/.+\.ts$/m.test(text) && /URI="keys\//.test(text) ? text : undefined;
        }, 60_000);
        const base = running.viewer_endpoint.replace(/index\.m3u8$/, '');
        const segment = `${base}${/^(segments\/.+\.ts)$/m.exec(playlist ?? '')![1]}`;
        const key = `${base}${/URI="(keys\/[^"]+)"/.exec(playlist ?? '')![1]}`;
        expect((await fetch(segment)).status).toBe(200);
        expect((await fetch(key)).status).toBe(200);
        const { bucket, prefix } = parseArchivePath(running.archives_path[running.current_session_id!]);
        const recorded = await waitFor(async () => ((await archiveKeys(bucket, prefix)).length > 0 ? true : undefined), 60_000);
        expect(recorded).toBe(true);
        const liveDir = join(runtime.endpoints.dataDir, 'media', running.package_endpoint_id);
        expect(existsSync(liveDir)).toBe(true);

        expect((await api('DELETE', `/streams/${id}`)).status).toBe(202);
        const gone = await waitFor(async () => ((await api('GET', `/streams/${id}`)).status === 404 ? true : undefined), STEP_MS);
        expect(gone).toBe(true);

        for (const url of [running.viewer_endpoint, segment, key]) expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 404 });
        expect(existsSync(liveDir)).toBe(false);
        expect((await archiveKeys(bucket, prefix)).length).toBeGreaterThan(0);
      } finally {
        await publisher.stop();
      }
    },
    400_000,
  );
});
