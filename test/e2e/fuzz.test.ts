import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { ERROR_CODES, type ErrorStatus } from '../../api/errors';
import { MAX_BODY_BYTES } from '../../api/http';
import type { Route } from '../../api/route';
import { ROUTES } from '../../api/routes';
import { ErrorBodySchema, StreamListSchema } from '../../api/schemas';
import { newHexId } from '../../core/domain/ids';
import { StreamRecordSchema } from '../../core/domain/record';
import { startRuntime, type Runtime } from '../../local/runtime';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { isolatedRuntimeOptions } from './harness';
import { shaped } from '../fixtures/shape';

/**
 * The chaos suite's fuzz part (`docs/RELIABILITY.md`): property-based requests over every route of the table and
 * every body schema, against a real local runtime over HTTP. Requests are made from the route
 * table and the JSON Schema of its zod schemas, then spoiled: wrong types, huge strings,
 * prototype keys, traversal paths, unicode, nulls, malformed JSON, wrong content types, foreign
 * origins. Every write is made to fail (an unknown stream, or a body the schema refuses), so the
 * run stays fast and the runtime's state must stay as it was; a few valid updates show the
 * oracle can tell a write from none. `FUZZ_RUNS` sets the number of generated requests.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const VALID_WRITES = 10;
const ESCAPE_MARK = 'fuzzescape';

/** The JSON Schema keywords z.toJSONSchema writes for the request schemas, as far as the generator below reads them. */
interface Json {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Json[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  items?: Json;
  maxItems?: number;
  properties?: Record<string, Json>;
  required?: string[];
  additionalProperties?: boolean | Json;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Known to be invalid (or aimed at a stream that does not exist): must be a 4xx and change nothing. */
  mustFail: boolean;
  why: string;
}

let runtime: Runtime;
let dataDir: string;
let streamId: string;
let fuzzed = 0;
let fiveHundreds = 0;

const api = () => runtime.endpoints.api;

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One request with its target exactly as generated (fetch would resolve `/streams/.` to `/streams/` first). */
function send(req: Pick<FuzzRequest, 'method' | 'path' | 'headers' | 'body'>): Promise<{ status: number; text: string }> {
  const { port } = new URL(api());
  return new Promise((resolve, reject) => {
    // Node's client sends a DELETE's or GET's body without framing unless it is told the length.
    const headers = req.body === undefined ? req.headers : { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) };
    const out = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(req.body);
  });
}

async function getJson(path: string): Promise<unknown> {
  const res = await send({ method: 'GET', path, headers: {} });
  expectWithMessage(res.status, `GET ${path}: ${res.text}`).toBe(200);
  return JSON.parse(res.text);
}

/** The stream record at `/streams/{id}`, as the API's record schema says it is. */
const getRecord = async (id: string) => shaped(await getJson(`/streams/${id}`), StreamRecordSchema, `GET /streams/${id}`);

/** Files under `dir` with their sizes, for what a request may not change (dynalite's and the engine's own files aside). */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('dynamodb') && !f.startsWith('stepfunctions'))
    .map((f) => `${f}:${statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 'dir'}`)
    .sort();
}

/** What a 4xx must leave as it was: every record (and its version), every execution and schedule, the files. */
async function snapshot(): Promise<unknown> {
  const streams = shaped(await getJson('/streams'), StreamListSchema, 'GET /streams');
  const perStream = await Promise.all(
    streams.map(async (s) => ({
      record: s,
      executions: await getJson(`/streams/${s.id}/executions`),
      schedules: await getJson(`/streams/${s.id}/schedules`),
    })),
  );
  const escaped = readdirSync(dirname(dataDir)).filter((f) => f.includes(ESCAPE_MARK));
  return { perStream, files: files(dataDir), escaped };
}

// ---- arbitraries -------------------------------------------------------------------------------

const hugeString = fc.constantFrom('x'.repeat(MAX_BODY_BYTES + 1), 'é'.repeat(70_000), 'a'.repeat(5_000));
const traversal = fc.constantFrom(
  `s3://fem-livestream-archive/../../../${ESCAPE_MARK}/`,
  `s3://fem-livestream-archive/./${ESCAPE_MARK}`,
  `s3://fem-livestream-archive/a//${ESCAPE_MARK}/`,
  `s3://fem-livestream-archive/%2e%2e/${ESCAPE_MARK}/`,
  `s3://other-bucket/${ESCAPE_MARK}/`,
  `../../${ESCAPE_MARK}`,
  `/etc/passwd`,
  `file:///etc/passwd`,
  `s3://fem-livestream-archive/a\u0000b/`,
);
const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype');
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\u202E', '😀', 'null', 'undefined', 'NaN', '-1', '1e999', '<script>', "' OR 1=1 --"),
  prototypeKey,
  traversal,
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0.5, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [null], [[]], { a: { b: { c: {} } } }),
  weirdString,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(weirdString, fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** A value the JSON Schema `schema` describes, near its bounds, with hostile ones mixed in. */
function fromSchema(schema: Json, depth = 0): fc.Arbitrary<unknown> {
  const near = schemaValue(schema, depth);
  return fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: hostileValue });
}

function schemaValue(schema: Json, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum));
  if (schema.anyOf) return fc.oneof(...(schema.anyOf).map((s) => schemaValue(s, depth)));
  switch (schema.type) {
    case 'string': {
      const max = schema.maxLength ?? 64;
      const sized = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(max, 64) });
      const options: fc.Arbitrary<unknown>[] = [sized, fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), '')];
      if (schema.pattern) options.push(fc.stringMatching(new RegExp(schema.pattern)));
      if (schema.format === 'date-time' || /ISO-8601/.test(schema.description ?? '')) {
        options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      }
      return fc.oneof(...options);
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
        fc.constantFrom(min, max, min - 1, max + 1),
        ...(schema.type === 'number' ? [fc.double({ min, max, noNaN: true })] : [fc.constant(min + 0.5)]),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), { minLength: 0, maxLength: (schema.maxItems ?? 3) > 3 ? 3 : schema.maxItems ?? 3 });
    case 'object': {
      if (depth > 2) return fc.constant({});
      const props = Object.entries((schema.properties ?? {}));
      const required = new Set<string>(schema.required ?? []);
      const known = fc.record(Object.fromEntries(props.map(([name, s]) => [name, fromSchema(s, depth + 1)])), {
        requiredKeys: props.map(([name]) => name).filter((name) => required.has(name)),
      });
      return known;
    }
    default:
      return hostileValue;
  }
}

/** `text` (a JSON object) with one more member, written as text so that `__proto__` is a member too. */
function withMember(text: string, key: string, value: unknown): string {
  const member = `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`;
  return text === '{}' ? `{${member}}` : text.replace(/^\{/, `{${member},`);
}

/** A body for `route` as JSON text: near-valid per its schema, maybe spoiled with an unknown or prototype member. */
function bodyFor(route: Route): fc.Arbitrary<string> {
  const schema = route.body ? (z.toJSONSchema(route.body, { io: 'input' }) as Json) : { type: 'object', properties: {} };
  const near = schemaValue(schema, 0).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 3, arbitrary: near },
    {
      weight: 2,
      arbitrary: fc
        .tuple(near, fc.oneof(prototypeKey, weirdString), hostileValue)
        .map(([text, key, value]) => (text.startsWith('{') ? withMember(text, key, value) : text)),
    },
    { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
  );
}

const rawBody = fc.constantFrom('{', '{"a":', 'nul', 'null', '[]', '"s"', '1', '\uFEFF{}', '{"a":1}{"b":2}', '{"__proto__":{"polluted":1}}', 'x'.repeat(MAX_BODY_BYTES + 10));
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON') },
  { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=z', 'application/jsonp', '', 'application/xml') },
);
const hostileParam = fc.oneof(
  fc.constantFrom('.', '..', '%2e', '%2e%2e', '__proto__', 'constructor', 'A'.repeat(32), '0'.repeat(31), 'g'.repeat(32), `${'0'.repeat(32)}%00`, '%00', '%ZZ', '*'),
  weirdString.filter((s) => s.length > 0).map((s) => encodeURIComponent(s)),
);

type ParamChoice = { kind: 'existing' } | { kind: 'unknown' } | { kind: 'hostile'; raw: string };
const paramChoice: fc.Arbitrary<ParamChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'existing' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'unknown' as const }) },
  { weight: 2, arbitrary: hostileParam.map((raw) => ({ kind: 'hostile' as const, raw })) },
);

/** A request for `route` and whether it is known to fail. */
function requestFor(route: Route): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return fc
    .record({
      params: fc.tuple(...names.map(() => paramChoice)),
      body: fc.oneof(
        { weight: 6, arbitrary: bodyFor(route) },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: rawBody },
        { weight: 1, arbitrary: hugeString.map((s) => JSON.stringify({ name: s })) },
      ),
      type: contentType,
      origin: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('http://evil.example', 'null') }),
      idempotencyKey: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 }), fc.constant('k'.repeat(129))) },
      ),
    })
    .map(({ params, body, type, origin, idempotencyKey }) => build(route, names, params, body, type, origin, idempotencyKey));
}

function build(
  route: Route,
  names: string[],
  choices: ParamChoice[],
  body: string | undefined,
  type: string,
  origin: string | undefined,
  idempotencyKey: string | undefined,
): FuzzRequest {
  const write = route.method !== 'GET';
  const raw: Record<string, string> = {};
  names.forEach((name, i) => {
    const choice = choices[i];
    raw[name] = choice.kind === 'hostile' ? choice.raw : name === 'id' && choice.kind === 'existing' ? streamId : newHexId();
  });
  const reasons: string[] = [];
  let text = body;
  const headers: Record<string, string> = {};
  if (text !== undefined || type !== 'application/json') headers['Content-Type'] = type;
  if (origin) headers['Origin'] = origin;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;

  if (origin) reasons.push('foreign origin');
  const essence = type.split(';')[0].trim().toLowerCase();
  if (write && essence !== 'application/json') reasons.push('content type');
  if (text !== undefined && Buffer.byteLength(text) > MAX_BODY_BYTES) reasons.push('too large');
  const parsed = parseBody(text);
  if (parsed === 'malformed') reasons.push('malformed JSON');
  const decoded = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, safeDecode(v)]));
  if (route.params && !route.params.safeParse(decoded).success) reasons.push('params');
  if (names.some((n) => raw[n] === '' || safeDecode(raw[n]).includes('/') || /^\.\.?$/.test(raw[n]))) reasons.push('path shape');
  if (parsed !== 'malformed') {
    const value = parsed === undefined && (!route.body || route.bodyOptional) ? {} : parsed;
    if (!(route.body ?? z.strictObject({})).safeParse(value).success) reasons.push('body');
  }
  if (idempotencyKey && idempotencyKey.length > 128 && write) reasons.push('idempotency key');
  if (write && reasons.length === 0) {
    // Input that may be valid: a write must still not change anything, so it goes to a stream
    // that does not exist (create has no stream: an unknown field spoils its body instead).
    if (names.includes('id')) {
      raw.id = newHexId();
      reasons.push('unknown stream');
    } else {
      text = JSON.stringify({ ...(parsed as object), fuzz_unknown_field: true });
      headers['Content-Type'] = 'application/json';
      reasons.push('unknown field');
    }
  }
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => raw[name]);
  return described({ method: route.method, path, headers, body: text, mustFail: reasons.length > 0, why: reasons.join(', ') });
}

/** How fast-check shows a request in a counterexample: short, however large its body. */
function described(req: FuzzRequest): FuzzRequest {
  const body = req.body === undefined ? 'no body' : `body ${Buffer.byteLength(req.body)} B ${JSON.stringify(req.body.slice(0, 80))}`;
  const text = `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers)} ${body} [${req.why}]`;
  return Object.assign(req, { [fc.toStringMethod]: () => text });
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return 'malformed';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What the local runtime serves besides the API's routes: the console's page and the contract (docs/API.md, the local runtime). */
const RUNTIME_PAGES = new Set(['/', '/openapi.json']);

/** Requests no route takes: other methods, other paths. */
const offTable: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('PUT', 'PATCH', 'POST', 'GET', 'DELETE'),
    path: fc.oneof(
      fc.constantFrom('/', '/stream', '/streams/x/y/z/w', '/../../etc/passwd', '/streams%2f..', '/%2e%2e/%2e%2e', '/streams/__proto__/split/x', '//', '/streams?x=1&__proto__=2'),
      fc.array(weirdString.map((s) => encodeURIComponent(s)), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
    ),
  })
  .filter(({ method, path }) => {
    try {
      return !ROUTES.some((r) => r.method === method && matches(r.path, path)) && !(method === 'GET' && RUNTIME_PAGES.has(path));
    } catch {
      return false;
    }
  })
  .map(({ method, path }) => described({ method, path, headers: {}, mustFail: true, why: 'no route' }));

function matches(template: string, path: string): boolean {
  const t = template.split('/').filter(Boolean);
  const p = path.split('?')[0].split('/').filter(Boolean);
  return t.length === p.length && t.every((part, i) => part.startsWith('{') || part === p[i]);
}

const anyRequest = fc.oneof({ weight: 12, arbitrary: fc.oneof(...ROUTES.map(requestFor)) }, { weight: 1, arbitrary: offTable });

// ---- the suite ---------------------------------------------------------------------------------

function expectContractError(status: number, text: string, what: string): void {
  const body: unknown = JSON.parse(text);
  const parsed = z.strictObject(ErrorBodySchema.shape).safeParse(body);
  expectWithMessage(parsed.success, `${what}: not the error shape: ${text.slice(0, 300)}`).toBe(true);
  expectWithMessage(parsed.data?.error.code, what).toBe(ERROR_CODES[status as ErrorStatus]);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'e2e-fuzz-'));
  runtime = await startRuntime({ ...isolatedRuntimeOptions(dataDir), LOCAL_CHANNEL_START_SECONDS: 1, stepFunctionsWaitMs: 500 });
  const created = await send({ method: 'POST', path: '/streams', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'fuzz target' }) });
  streamId = shaped(JSON.parse(created.text), StreamRecordSchema, 'the created stream').id;
  for (let i = 0; i < 240 && (await getRecord(streamId)).state !== 'idle'; i++) await new Promise((r) => setTimeout(r, 250));
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`chaos: requests fuzzed: ${fuzzed}, 5xx: ${fiveHundreds}`);
}, 120_000);

/** Requests per property run: sent a few at a time, then the state is compared once. */
const BATCH = 20;
const CONCURRENCY = 4;

async function check(req: FuzzRequest): Promise<void> {
  const res = await send(req);
  fuzzed++;
  const what = `${req.method} ${req.path.slice(0, 120)} [${req.why || 'maybe valid'}] → ${res.status}`;
  if (res.status >= 500) fiveHundreds++;
  expectWithMessage(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expectContractError(res.status, res.text, what);
  if (req.mustFail) expectWithMessage(res.status, what).toBeGreaterThanOrEqual(400);
}

describe('fuzz: every route and body schema over HTTP', () => {
  it(
    `answers ${RUNS} generated requests without a 5xx, errors in the contract's shape, no 2xx for invalid input, and a 4xx changes nothing`,
    async () => {
      expect((await getRecord(streamId)).state).toBe('idle');
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          for (let i = 0; i < batch.length; i += CONCURRENCY) await Promise.all(batch.slice(i, i + CONCURRENCY).map(check));
          // Every write of the batch failed (asserted above), so nothing may have changed since the start.
          expectWithMessage(await snapshot(), 'a 4xx changed the state').toEqual(before);
        }),
        { numRuns: Math.ceil(RUNS / BATCH), endOnFailure: true },
      );
    },
    // The default run takes ~20 s; FUZZ_RUNS scales it.
    Math.max(120_000, RUNS * 60),
  );

  it('tells a real write from none: valid updates answer 200 and change the record they name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 128 }).filter((s) => s.trim().length > 0), async (name) => {
        const before = await getRecord(streamId);
        const res = await send({ method: 'POST', path: `/streams/${streamId}`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
        fuzzed++;
        if (res.status >= 500) fiveHundreds++;
        expectWithMessage([200, 202], res.text).toContain(res.status);
        const after = await getRecord(streamId);
        expect(after.name).toBe(name);
        if (name !== before.name) expect(after.version).toBeGreaterThan(before.version);
      }),
      { numRuns: VALID_WRITES },
    );
  }, 120_000);
});
