import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectWithMessage } from '../fixtures/expect-with-message';
import type { StreamRecord } from '../../core/domain/record';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../local/runtime';
import { recordOf, type Reply } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';

/** A reply of the API; read its body with the helpers of test/fixtures/api-reply.ts. */
export type ApiReply = Reply;

/**
 * The API of a runtime, as the end-to-end tests call and poll it. Plain functions (closures over
 * the base URL, no `this`), so a test may destructure them.
 */
export interface ApiClient {
  /** One request to the runtime's API; the body parsed as JSON when there is one. */
  readonly api: (method: string, path: string, body?: unknown) => Promise<ApiReply>;
  readonly record: (id: string) => Promise<StreamRecord>;
  /**
   * Polls the record until `check` holds (within `deadlineMs`); the assertion names the record's
   * connector and last_error when it never does.
   */
  readonly until: (id: string, what: string, check: (r: StreamRecord) => boolean, deadlineMs?: number) => Promise<StreamRecord>;
  /** Polls the record until it is in `state`, or failed (then the assertion says why). */
  readonly untilState: (id: string, state: string, deadlineMs?: number) => Promise<StreamRecord>;
}

export interface TestRuntime extends ApiClient {
  readonly runtime: Runtime;
  /** Closes the runtime and removes its data directory. */
  close(): Promise<void>;
}

/** How long one step of an end-to-end test may take to show on the record. */
export const STEP_MS = 120_000;

/**
 * A runtime wholly on 127.0.0.1 free ports, keeping its data under `dataDir` and reading nothing
 * from the process's environment: what tests run, so they neither collide nor depend on the shell.
 */
export function isolatedRuntimeOptions(dataDir: string): RuntimeOptions {
  return { env: {}, PORT: 0, RTMP_PORT: 0, MEDIA_PORT: 0, S3_PORT: 0, LOCAL_DATA_DIR: dataDir };
}

/**
 * The local runtime as the end-to-end tests run it: free ports, a fresh data directory, a 1 s
 * channel start, a 2 s publish grace (node-media-server's 30 s would only make stops wait) and
 * workflow waits and retries of half a second (instead of 2 s and up), everything else as `npm start`
 * (or as `overrides` say).
 */
export async function startTestRuntime(name: string, overrides: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), `e2e-${name}-`));
  const runtime = await startRuntime({
    ...isolatedRuntimeOptions(dir),
    LOCAL_CHANNEL_START_SECONDS: 1,
    publishGraceMs: 2000,
    stepFunctionsWaitMs: 500,
    ...overrides,
  });
  return {
    runtime,
    ...apiClient(runtime.endpoints.api),
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The API at `base` (`http://127.0.0.1:PORT`), whichever process serves it. */
export function apiClient(base: string): ApiClient {
  const api = async (method: string, path: string, body?: unknown): Promise<ApiReply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    return { status: res.status, body: parsed };
  };
  const record = async (id: string) => recordOf(await api('GET', `/streams/${id}`));
  const until = async (id: string, what: string, check: (r: StreamRecord) => boolean, deadlineMs = STEP_MS) => {
    const seen = await waitFor(async () => {
      const r = await record(id);
      return check(r) ? r : undefined;
    }, deadlineMs);
    const last = seen ?? (await record(id));
    expectWithMessage(check(last), `stream ${id} never reached ${what}; connector ${JSON.stringify(last.connector)}, last_error ${JSON.stringify(last.last_error)}`).toBe(true);
    return last;
  };
  return {
    api,
    record,
    until,
    async untilState(id, state, deadlineMs) {
      const last = await until(id, `state ${state}`, (r) => r.state === state || r.state === 'failed', deadlineMs);
      expectWithMessage(last.state, `stream ${id} last_error: ${JSON.stringify(last.last_error)}`).toBe(state);
      return last;
    },
  };
}
