import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { StreamRecordSchema, type StreamRecord } from '../core/domain/record';

/** One request to the stream API; with `reply`, the reply parsed by the route's documented schema. */
export interface ApiCall {
  (method: string, path: string, body?: unknown): Promise<unknown>;
  <S extends z.core.$ZodType>(method: string, path: string, body: unknown, reply: S): Promise<z.output<S>>;
}

/**
 * A caller of the stream API at `baseUrl` for benchmarks: JSON in and out, and any 4xx/5xx thrown
 * with its body, since a benchmark step that the API refused has nothing to measure.
 */
export function apiCaller(baseUrl: string): ApiCall {
  function call(method: string, path: string, body?: unknown): Promise<unknown>;
  function call<S extends z.core.$ZodType>(method: string, path: string, body: unknown, reply: S): Promise<z.output<S>>;
  async function call(method: string, path: string, body?: unknown, reply?: z.core.$ZodType): Promise<unknown> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    const json: unknown = text ? JSON.parse(text) : undefined;
    return reply ? z.parse(reply, json) : json;
  }
  return call;
}

/** The stream record `GET /streams/{id}` answers. */
export function readRecord(call: ApiCall, id: string): Promise<StreamRecord> {
  return call('GET', `/streams/${id}`, undefined, StreamRecordSchema);
}

/** `check`'s first truthy value, polled every `stepMs` (its throws count as "not yet"); throws naming `what` after `limitMs`. */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  { limitMs = 300_000, stepMs = 100 }: { limitMs?: number; stepMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The stream record once it is in `state`; a `failed` stream throws with its `last_error`. */
export function untilState(call: ApiCall, id: string, state: string): Promise<StreamRecord> {
  return until(async () => {
    const record = await readRecord(call, id);
    if (record.state === 'failed') throw new Error(`stream ${id} failed: ${JSON.stringify(record.last_error)}`);
    return record.state === state ? record : undefined;
  }, `${id} ${state}`);
}

/** The API URL a runtime started as `npm start` prints, read from its stdout (each chunk also handed to `onOutput`). */
export function apiUrlOf(child: ChildProcess, onOutput?: (chunk: Buffer) => void, logHint = ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      onOutput?.(chunk);
      out += chunk.toString();
      const found = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}) before it was ready${logHint}`)));
  });
}
