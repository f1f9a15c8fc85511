import { GetKeyCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DescribeChannelCommand as DescribeLiveChannel, DescribeInputCommand } from '@aws-sdk/client-medialive';
import { DescribeChannelCommand as DescribePackageChannel, DescribeOriginEndpointCommand } from '@aws-sdk/client-mediapackage';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { hasLiveRoute, liveRouteKey } from '../../core/aws/live-route';
import { StreamListSchema } from '../../api/schemas';
import { StreamRecordSchema, type StreamRecord } from '../../core/domain/record';
import { managedCount } from '../../local/processes';
import { bodyOf, recordOf, type Reply } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

/**
 * The races of the chaos suite (`docs/RELIABILITY.md`), against the real local runtime: many concurrent requests on
 * one stream, then the records must be consistent, versions only grow, and a deleted stream
 * leaves no process and no resource behind. Every wait is on something observable (a record, a
 * 404); the counts asserted are decided by the store's conditional writes, not by timing.
 */
let local: TestRuntime;
let baselineProcesses = 0;
let races = 0;
let requests = 0;

/**
 * Every version a reply or a read showed, per stream. Replies of one race arrive in any order;
 * what must hold is that a read after them is never older than any of them ({@link settledRead}).
 */
const seenVersions = new Map<string, number[]>();

function see(id: string, body: unknown): void {
  const version = (body as { version?: unknown } | undefined)?.version;
  if (typeof version === 'number') seenVersions.set(id, [...(seenVersions.get(id) ?? []), version]);
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${local.runtime.endpoints.api}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  return { status: res.status, body: parsed };
}

/** `n` requests fired at once on stream `id`; each reply's version is remembered. */
async function race(id: string, n: number, request: (i: number) => Promise<Reply>): Promise<Reply[]> {
  races += 1;
  requests += n;
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => request(i)));
  for (const reply of replies) see(id, reply.body);
  return replies;
}

const statuses = (replies: Reply[]) =>
  replies.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

/** A read after a race: at least as new as anything a reply of it showed (versions never go back). */
async function settledRead(id: string): Promise<StreamRecord> {
  const record = await local.record(id);
  const before = seenVersions.get(id) ?? [];
  expectWithMessage(record.version, `stream ${id}: a read after the replies shows an older version`).toBeGreaterThanOrEqual(Math.max(0, ...before));
  see(id, record);
  return record;
}

/** A record that says one thing: `started` follows `state`, `live_endpoint` follows `live`. */
function expectConsistent(record: StreamRecord): void {
  expectWithMessage(record.started, `stream ${record.id} in ${record.state}`).toBe(record.state === 'starting' || record.state === 'running');
  expectWithMessage(record.live_endpoint === null, `stream ${record.id} live ${record.live}`).toBe(!record.live);
}

async function create(name: string, headers: Record<string, string> = {}): Promise<Reply> {
  return call('POST', '/streams', { name, segment_length: 2 }, headers);
}

/**
 * A Describe of a local service that must say the resource is gone: NotFound, or, as MediaLive
 * keeps describing a deleted channel or input for a while, in state DELETING (deletion under way)
 * or DELETED: the SDK's own waiters take DELETED as done and DELETING as "wait"
 * (node_modules/@aws-sdk/client-medialive/dist-es/waiters/waitForChannelDeleted.js, waitForInputDeleted.js).
 */
async function expectGone(what: string, send: () => Promise<unknown>): Promise<void> {
  const outcome = await send().then(
    (out) => (['DELETING', 'DELETED'].includes((out as { State?: string }).State ?? '') ? 'gone' : 'exists'),
    (err: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
      err.$metadata?.httpStatusCode === 404 || /NotFound/.test(err.name ?? '') ? 'gone' : `error ${err.name}`,
  );
  expectWithMessage(outcome, what).toBe('gone');
}

/** Deleted for good: 404 on the API, and none of its AWS resources (local) nor its live route left. */
async function expectDeletedWithoutTrace(record: StreamRecord): Promise<void> {
  const gone = await waitFor(async () => ((await call('GET', `/streams/${record.id}`)).status === 404 ? true : undefined), STEP_MS);
  expectWithMessage(gone, `stream ${record.id} was never deleted`).toBe(true);
  const { medialive, mediapackage, kvs, config } = local.runtime.services;
  await expectGone('MediaLive channel', () => medialive.send(new DescribeLiveChannel({ ChannelId: record.live_channel_id })));
  await expectGone('MediaLive input', () => medialive.send(new DescribeInputCommand({ InputId: record.live_input_id })));
  await expectGone('MediaPackage endpoint', () => mediapackage.send(new DescribeOriginEndpointCommand({ Id: record.package_endpoint_id })));
  await expectGone('MediaPackage channel', () => mediapackage.send(new DescribePackageChannel({ Id: record.package_channel_id })));
  await expectGone('live route', () => kvs.send(new GetKeyCommand({ KvsARN: config.LIVE_KVS_ARN, Key: liveRouteKey(record.id) })));
}

beforeAll(async () => {
  local = await startTestRuntime('races');
  baselineProcesses = managedCount();
}, 120_000);

afterAll(async () => {
  // The figure the suite reports (docs/RELIABILITY.md).
  console.log(`chaos: races run: ${races} (${requests} concurrent requests)`);
  await local?.close();
}, 120_000);

describe('races against the local runtime', () => {
  // Two idle streams the races below share, in order: `a` is started, raced on and deleted; `b`
  // takes the updates and the delete during a start.
  let a: StreamRecord;
  let b: StreamRecord;
  beforeAll(async () => {
    const [madeA, madeB] = await Promise.all([create('race a'), create('race b')]);
    [a, b] = await Promise.all([local.untilState(recordOf(madeA).id, 'idle'), local.untilState(recordOf(madeB).id, 'idle')]);
  }, 2 * STEP_MS);

  it('one Idempotency-Key sent 10 times at once creates one stream, and every caller gets its record', async () => {
    const key = `races-create-${process.pid}-${Date.now()}`;
    const replies = await race('-', 10, () => create('idempotent', { 'Idempotency-Key': key }));
    const ids = new Set(replies.map((r) => StreamRecordSchema.safeParse(r.body).data?.id));
    expectWithMessage(ids.size, JSON.stringify(statuses(replies))).toBe(1);
    for (const r of replies) expect([201, 202]).toContain(r.status);
    const [id] = [...ids] as string[];
    expect(bodyOf(await call('GET', '/streams'), StreamListSchema).filter((s) => s.name === 'idempotent').map((s) => s.id)).toEqual([id]);

    const c = await local.untilState(id, 'idle');
    expect((await call('DELETE', `/streams/${c.id}`)).status).toBe(202);
    await expectDeletedWithoutTrace(c);
  }, 2 * STEP_MS);

  it('100 concurrent starts of an idle stream: exactly one 202, one session, the stream runs', async () => {
    const replies = await race(a.id, 100, () => call('POST', `/streams/${a.id}/start`));

    expect(statuses(replies)).toEqual({ 202: 1, 409: 99 });
    const winner = replies.find((r) => r.status === 202)!;
    const running = await local.untilState(a.id, 'running');
    expect(running.current_session_id).toBe(recordOf(winner).current_session_id);
    expect(Object.keys(running.archives_path)).toEqual([recordOf(winner).current_session_id]);
    expectConsistent(await settledRead(a.id));
  }, 2 * STEP_MS);

  it('concurrent updates: of N with the same version exactly one wins; without version all land, one whole', async () => {
    const versioned = await race(b.id, 10, (i) => call('POST', `/streams/${b.id}`, { description: `versioned ${i}`, version: b.version }));
    expect(statuses(versioned)).toEqual({ 200: 1, 409: 9 });
    const won = versioned.find((r) => r.status === 200)!;
    expect((await settledRead(b.id)).description).toBe(recordOf(won).description);

    const before = await settledRead(b.id);
    const blind = await race(b.id, 20, (i) => call('POST', `/streams/${b.id}`, { name: `name ${i}`, description: `description ${i}` }));
    expect(statuses(blind)).toEqual({ 200: 20 });
    const after = await settledRead(b.id);
    const winner = after.name.replace('name ', '');
    expect(after.description).toBe(`description ${winner}`);
    // Each one wrote: the record moved at least one version per update.
    expect(after.version).toBeGreaterThanOrEqual(before.version + 20);
  }, 2 * STEP_MS);

  it('mixed stop, start, live and unlive on a running stream: one stop wins, no spurious 409, a consistent end', async () => {
    const kinds = ['stop', 'start', 'live', 'unlive'] as const;
    const replies = await race(a.id, 24, (i) => {
      const kind = kinds[i % kinds.length];
      if (kind === 'unlive') return call('DELETE', `/streams/${a.id}/live`);
      return call('POST', `/streams/${a.id}/${kind}`);
    });
    const of = (kind: (typeof kinds)[number]) => statuses(replies.filter((_, i) => kinds[i % kinds.length] === kind));

    // The stream was running: one stop claims it, the others find it stopping.
    expect(of('stop')).toEqual({ 202: 1, 409: 5 });
    // start is not allowed while running or stopping; live and unlive always are.
    expect(of('start')).toEqual({ 409: 6 });
    for (const kind of ['live', 'unlive'] as const) {
      expectWithMessage(Object.keys(of(kind)).every((s) => s === '204' || s === '202'), `${kind}: ${JSON.stringify(of(kind))}`).toBe(true);
    }
    const idle = await local.untilState(a.id, 'idle');
    expectConsistent(idle);
    // Once every live and unlive workflow has ended, the record says what the live distribution does.
    const settled = await waitFor(async () => {
      const executions = (await call('GET', `/streams/${a.id}/executions`)).body as { status: string }[];
      return executions.every((e) => e.status !== 'RUNNING') ? true : undefined;
    }, STEP_MS);
    expectWithMessage(settled, 'live/unlive workflows still running').toBe(true);
    const { kvs, config } = local.runtime.services;
    expect((await settledRead(a.id)).live).toBe(await hasLiveRoute(kvs, config.LIVE_KVS_ARN!, a.id));
    // Whichever of live/unlive came last, a last unlive leaves the stream off the live distribution.
    expect((await call('DELETE', `/streams/${a.id}/live`)).status).toBe(204);
    expectConsistent(await settledRead(a.id));
  }, 2 * STEP_MS);

  it('a delete during a start: the stream goes, with nothing left behind', async () => {
    const current = await settledRead(b.id);
    const [start, ...deletes] = await race(b.id, 6, (i) => (i === 0 ? call('POST', `/streams/${b.id}/start`) : call('DELETE', `/streams/${b.id}`)));

    // Both orders are fine: the start claims first (then the delete takes a starting stream) or the delete does.
    expect([202, 409]).toContain(start.status);
    expect(statuses(deletes)).toEqual({ 202: 5 });
    await expectDeletedWithoutTrace(current);
  }, 2 * STEP_MS);

  it('20 concurrent deletes: every caller 202, one deletion, nothing left behind', async () => {
    const current = await settledRead(a.id);
    const replies = await race(a.id, 20, () => call('DELETE', `/streams/${a.id}`));

    expect(statuses(replies)).toEqual({ 202: 20 });
    for (const r of replies) expect(recordOf(r).state).toBe('deleting');
    await expectDeletedWithoutTrace(current);
  }, 2 * STEP_MS);

  it('no process outlives its stream', async () => {
    const settled = await waitFor(() => Promise.resolve(managedCount() === baselineProcesses ? true : undefined), STEP_MS);
    expectWithMessage(settled, `managed processes: ${managedCount()}, at start ${baselineProcesses}`).toBe(true);
  });
});
