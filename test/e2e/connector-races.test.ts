import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { connectorGroup } from '../../core/domain/connector';
import type { StreamRecord } from '../../core/domain/record';
import { managedCount } from '../../local/processes';
import { recordOf } from '../fixtures/api-reply';
import { waitFor } from '../fixtures/media';
import { startTestRuntime, STEP_MS, type TestRuntime } from './harness';

/**
 * Chaos suite, connector races: a stop followed at once by the next start, on one stream
 * and on two streams at the same time. The start is fired again and again until the slot frees, so
 * it lands in the window between the watcher clearing the stopped connector and the stop
 * workflow's last step: the window of the lost update listed in `docs/RELIABILITY.md`.
 */
const MEETING = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=mjg-test-connector-meeting';
const ROUNDS = Number(process.env.CHAOS_CONNECTOR_ROUNDS ?? 2);
const KINDS = [
  { start: 'chime_start', stop: 'chime_stop', target: 'medialive' },
  { start: 'ivs_start', stop: 'ivs_stop', target: 'ivs' },
] as const;

let t: TestRuntime;
let racesRun = 0;

beforeAll(async () => {
  t = await startTestRuntime('connector-races');
}, 120_000);

afterAll(async () => t?.close(), 120_000);

async function runningStream(name: string): Promise<StreamRecord> {
  const created = await t.api('POST', '/streams', { name });
  await t.until(recordOf(created).id, 'idle', (r) => r.state === 'idle');
  expect((await t.api('POST', `/streams/${recordOf(created).id}/start`, { key_rotation_interval: 0 })).status).toBe(202);
  return t.until(recordOf(created).id, 'running', (r) => r.state === 'running');
}

/** Fires `action` until it is accepted: each 409 (the slot is still stopping) changes nothing. */
async function startAsSoonAsFree(id: string, action: string): Promise<void> {
  const accepted = await waitFor(async () => {
    const reply = await t.api('POST', `/streams/${id}/${action}`, { chime_url: MEETING });
    expect([202, 409]).toContain(reply.status);
    return reply.status === 202 ? true : undefined;
  }, STEP_MS, 50);
  expectWithMessage(accepted, `${action} on ${id} never accepted`).toBe(true);
}

async function executionsSettled(id: string): Promise<void> {
  const settled = await waitFor(async () => {
    const { body } = await t.api('GET', `/streams/${id}/executions`);
    return (body as { status: string }[]).every((e) => e.status !== 'RUNNING') ? true : undefined;
  }, STEP_MS);
  expectWithMessage(settled, `executions of ${id} never settled`).toBe(true);
}

/** The record matches what runs: one connector task of the stream runs, and it is the one on the record. */
async function expectConsistent(id: string, target: string): Promise<void> {
  const { ecs, config, store } = t.runtime.services;
  const record = await store.mustGet(id);
  expectWithMessage(record.connector, `stream ${id} lost its connector`).toMatchObject({ target, state: 'running' });
  const listed = await ecs.send(new ListTasksCommand({ cluster: config.CONNECTOR_CLUSTER, desiredStatus: 'RUNNING' }));
  const described = listed.taskArns?.length
    ? await ecs.send(new DescribeTasksCommand({ cluster: config.CONNECTOR_CLUSTER, tasks: listed.taskArns }))
    : { tasks: [] };
  const running = (described.tasks ?? []).filter((task) => task.group === connectorGroup(id) && task.lastStatus !== 'STOPPED');
  expect(running.map((task) => task.taskArn!.split('/').pop())).toEqual([record.connector!.task_id]);
}

/** One race on one stream: stop the connector of `from`, start one of `to` at once; end consistent. */
async function race(id: string, from: (typeof KINDS)[number], to: (typeof KINDS)[number]): Promise<void> {
  expect((await t.api('POST', `/streams/${id}/${from.stop}`)).status).toBe(202);
  await startAsSoonAsFree(id, to.start);
  await t.until(id, `${to.target} connector running`, (r) => r.connector?.state === 'running' && r.connector.target === to.target);
  await executionsSettled(id);
  await expectConsistent(id, to.target);
  racesRun++;
}

describe('chaos: connector stop → start back to back', () => {
  it(
    'keeps the record on the connector that runs, on one stream and across two streams at once',
    async () => {
      const [a, b] = [await runningStream('race A'), await runningStream('race B')];
      for (const stream of [a, b]) await startAsSoonAsFree(stream.id, KINDS[0].start);
      for (const stream of [a, b]) await t.until(stream.id, 'connector running', (r) => r.connector?.state === 'running');

      // One stream, then both at once, alternating Chime ↔ IVS.
      let current = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const next = 1 - current;
        if (round === 0) await race(a.id, KINDS[current], KINDS[next]);
        else await Promise.all([a, b].map((s) => race(s.id, KINDS[current], KINDS[next])));
        if (round === 0) await race(b.id, KINDS[current], KINDS[next]);
        current = next;
      }

      for (const stream of [a, b]) expect((await t.api('POST', `/streams/${stream.id}/${KINDS[current].stop}`)).status).toBe(202);
      for (const stream of [a, b]) await t.until(stream.id, 'connector cleared', (r) => r.connector === null);
      await t.runtime.close();
      // No orphaned process: every connector and pipeline ended with the runtime.
      expect(managedCount()).toBe(0);
      console.log(`chaos: connector races run: ${racesRun}`);
      expect(racesRun).toBeGreaterThanOrEqual(ROUNDS * 2);
    },
    900_000,
  );
});
