import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseArchivePath } from '../../core/domain/archive-path';
import { recordOf } from '../fixtures/api-reply';
import { publish, waitFor } from '../fixtures/media';
import { startTestRuntime, type TestRuntime } from './harness';

let local: TestRuntime;

beforeAll(async () => {
  local = await startTestRuntime('archive-failure');
}, 120_000);

afterAll(async () => local?.close(), 120_000);

const segmentsIn = async (playlistUrl: string) => {
  const res = await fetch(playlistUrl);
  return res.ok ? ((await res.text()).match(/#EXTINF/g) ?? []).length : 0;
};

describe('an archive that cannot be written during a session', () => {
  it('is said on the record as last_error (action archive) while the stream keeps running', async () => {
    const { api, runtime, untilState, until } = local;
    const s3 = runtime.services.s3;
    const id: string = recordOf(await api('POST', '/streams', { name: 'archive lost', segment_length: 2 })).id;
    await untilState(id, 'idle');
    expect((await api('POST', `/streams/${id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
    const running = await untilState(id, 'running');
    const { bucket } = parseArchivePath(running.archives_path[running.current_session_id!]);
    const publisher = publish(running.rtmp1, 90, 15);
    try {
      const stored = await waitFor(async () => {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        return (listed.Contents ?? []).length > 0 ? listed.Contents! : undefined;
      }, 60_000);
      expect(stored).toBeDefined();
      expect(running.last_error).toBeNull();

      // The bucket goes away mid-session (S3 deletes only an empty bucket).
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: stored!.map((o) => ({ Key: o.Key! })) } }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));

      const failed = await until(id, 'an archive last_error', (r) => r.last_error?.action === 'archive');
      expect(failed.state).toBe('running');
      expect(failed.last_error!.message).toContain(bucket);
      // Still serving live HLS: the stream runs on.
      const before = await segmentsIn(running.viewer_endpoint);
      const more = await waitFor(async () => ((await segmentsIn(running.viewer_endpoint)) > before ? true : undefined), 60_000);
      expect(more).toBe(true);
    } finally {
      await publisher.stop();
    }
    expect((await api('POST', `/streams/${id}/stop`)).status).toBe(202);
    await untilState(id, 'idle');
  }, 400_000);
});
