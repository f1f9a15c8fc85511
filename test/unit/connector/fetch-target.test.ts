import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { useStreamStore } from '../../fixtures/stream-store';
import { aStream, connector, RTMP1, RTMP_IVS } from '../tasks/connector-fixtures';

const SCRIPT = fileURLToPath(new URL('../../../connector/fetch-target.sh', import.meta.url));
const store = useStreamStore();
const EXEC = 'ivs_start-x-v2';

/** Runs the container's fetch against the store's dynalite, as the local ECS runs it. */
async function fetchTarget(streamId: string, execution = EXEC): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH!,
    STREAM_ID: streamId,
    CONNECTOR_EXECUTION: execution,
    STREAMS_TABLE: 'streams',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: store.endpoint(),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [SCRIPT], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('connector/fetch-target.sh (the container reads its target from the record)', () => {
  it('prints the meeting and the IVS ingest of the stream whose connector this task is', async () => {
    const item = await aStream(store(), { connector: connector({ target: 'ivs' }), connector_execution: EXEC, rtmp_ivs: RTMP_IVS });

    const out = await fetchTarget(item.id);

    expect(out).toMatchObject({ code: 0, stdout: `https://meet.example.com/v2?m=a&broadcast=true\n${RTMP_IVS}\n` });
  });

  it('prints rtmp1 for a MediaLive connector', async () => {
    const item = await aStream(store(), { connector: connector(), connector_execution: EXEC });

    expect((await fetchTarget(item.id)).stdout.split('\n')[1]).toBe(RTMP1);
  });

  it('refuses, printing no key, when the connector is another start’s or is being stopped', async () => {
    const other = await aStream(store(), { connector: connector({ target: 'ivs' }), connector_execution: 'ivs_start-y-v3', rtmp_ivs: RTMP_IVS });
    const stopping = await aStream(store(), { connector: connector({ state: 'stopping' }), connector_execution: EXEC });

    for (const [id, why] of [[other.id, /no longer this task/], [stopping.id, /being stopped/]] as const) {
      const out = await fetchTarget(id);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(why);
      expect(out.stdout + out.stderr).not.toMatch(/SECRET|secret-key/);
    }
  });
});
