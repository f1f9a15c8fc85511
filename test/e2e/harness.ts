import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamRecord } from '../../core/record';
import { startRuntime, type Runtime } from '../../local/runtime';

export interface ApiReply {
  status: number;
  body: any;
}

export interface TestRuntime {
  readonly runtime: Runtime;
  /** One request to the runtime's API; the body parsed as JSON when there is one. */
  api(method: string, path: string, body?: unknown): Promise<ApiReply>;
  record(id: string): Promise<StreamRecord>;
  /** Closes the runtime and removes its data directory. */
  close(): Promise<void>;
}

/**
 * The local runtime as the end-to-end tests run it: free ports, a fresh data directory, a 1 s
 * channel start, a 2 s publish grace (node-media-server's 30 s would only make stops wait) and
 * workflow waits and retries of half a second (instead of 2 s and up), everything else as `npm start`.
 */
export async function startTestRuntime(name: string): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), `e2e-${name}-`));
  const runtime = await startRuntime({
    env: {},
    PORT: 0,
    RTMP_PORT: 0,
    MEDIA_PORT: 0,
    S3_PORT: 0,
    LOCAL_DATA_DIR: dir,
    LOCAL_CHANNEL_START_SECONDS: 1,
    publishGraceMs: 2000,
    stepFunctionsWaitMs: 500,
  });
  const api = async (method: string, path: string, body?: unknown): Promise<ApiReply> => {
    const res = await fetch(`${runtime.endpoints.api}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    runtime,
    api,
    record: async (id) => (await api('GET', `/streams/${id}`)).body as StreamRecord,
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
