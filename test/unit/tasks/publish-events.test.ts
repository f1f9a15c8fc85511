import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { Invalid, Transient } from '../../../core/domain/errors';
import { StreamEventSchema } from '../../../core/domain/events';
import { newStreamItem, type StreamItem } from '../../../core/domain/record';
import { loadConfig } from '../../../core/lambda/config';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalEventBridge, type BusEvent } from '../../../local/eventbridge';
import { serviceFromHandlers, type LocalService } from '../../../local/service';
import { Input, run } from '../../../tasks/publish-events';

const ID = 'feedfacefeedfacefeedfacefeedface';
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:111122223333:table/streams/stream/2026-12-01T00:00:00.000';

function item(patch: Partial<StreamItem> = {}): StreamItem {
  return { ...newStreamItem({ id: ID, name: 'w', now: '1764655200' }), live_channel_id: '9876', ...patch };
}

/** A DynamoDB Streams record of `before` → `after` (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, example event). */
function change(before: StreamItem | undefined, after: StreamItem | undefined, sequence: number, eventSourceARN = STREAM_ARN) {
  const image = (value: StreamItem | undefined) => (value ? marshall(value, { removeUndefinedValues: true }) : undefined);
  return {
    eventID: `e${sequence}`,
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN,
    dynamodb: {
      ApproximateCreationDateTime: 1764655300,
      Keys: { id: { S: ID } },
      ...(before ? { OldImage: image(before) } : {}),
      ...(after ? { NewImage: image(after) } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The task's deps over `service` (the local bus, or one wrapped around it), and what reached the bus's rules. */
function harness(service?: (bus: LocalEventBridge) => LocalService) {
  const bus = new LocalEventBridge();
  const events = bindLocalService(new EventBridgeClient({ region: 'eu-west-1', credentials: LOCAL_CREDENTIALS }), service ? service(bus) : bus.service);
  const delivered: BusEvent[] = [];
  bus.subscribe({ source: ['frontmaster.livestream'] }, (event) => void delivered.push(event));
  const deps = { events, config: loadConfig({ TABLE_NAME: 'streams' }), now: () => new Date('2026-12-02T06:00:00Z') };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { bus, deps, delivered, settle };
}

/** The created → … → deleted life of a stream as its table's records, with 12 schedules firing in one write (13 events in that record). */
function lifeOfAStream() {
  const creating = item();
  const idle = { ...creating, state: 'idle' as const, version: 2, last_update: '1764655260' };
  const at = '2026-12-02T07:00:00Z';
  const ids = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`);
  const scheduled = { ...idle, version: 3, schedules: Object.fromEntries(ids.map((id) => [id, { schedule_id: id, action: 'start' as const, at, state: 'scheduled' as const }])) };
  const fired = {
    ...scheduled,
    state: 'starting' as const,
    version: 4,
    schedules: Object.fromEntries(ids.map((id) => [id, { schedule_id: id, action: 'start' as const, at, state: 'fired' as const, execution_id: `arn:exec:${id}` }])),
  };
  return Input.parse({
    Records: [change(undefined, creating, 1), change(creating, idle, 2), change(idle, scheduled, 3), change(scheduled, fired, 4), change(fired, undefined, 5)],
  });
}

describe('publish-events: a table\'s change records onto the default bus', () => {
  it('publishes each record\'s events in order, as EventBridge routes them, in calls of at most 10 entries', async () => {
    // Prepare: the local bus refuses a call of more than 10 entries, as EventBridge does
    const calls: number[] = [];
    const { deps, delivered, settle } = harness((bus) =>
      serviceFromHandlers<typeof EventBridge>('EventBridge', {
        PutEventsCommand: (input) => (calls.push(input.Entries?.length ?? 0), bus.service.handle('PutEventsCommand', input)),
      }),
    );
    // Act
    const out = await run(lifeOfAStream(), deps);
    await settle();
    // Assess
    expect(out).toEqual({ published: 15 });
    expect(calls).toEqual([10, 5]);
    expect(delivered.map((e) => e['detail-type'])).toEqual(['stream.created', 'stream.starting', ...Array<string>(12).fill('schedule.fired'), 'stream.deleted']);
    const first = delivered[0];
    expect(first).toMatchObject({ source: 'frontmaster.livestream', time: '2025-12-02T06:01:00Z', resources: ['arn:aws:medialive:eu-west-1:111122223333:channel:9876'] });
    expect(StreamEventSchema.parse(first.detail)).toMatchObject({ id: `${ID}:v2:stream.created`, kind: 'stream.created', stream_id: ID });
    // A removed item has no last_update of its own: its event is dated by the record's ApproximateCreationDateTime.
    expect((delivered[14].detail as { at: string }).at).toBe(new Date(1764655300 * 1000).toISOString());
  });

  it('publishes a redelivered batch under the same ids (receivers drop the repeats)', async () => {
    // Prepare
    const { deps, delivered, settle } = harness();
    // Act
    await run(lifeOfAStream(), deps);
    await run(lifeOfAStream(), deps);
    await settle();
    // Assess
    const ids = delivered.map((e) => (e.detail as { id: string }).id);
    expect(ids.slice(15)).toEqual(ids.slice(0, 15));
    expect(new Set(ids).size).toBe(15);
  });

  it('sends again only the entries EventBridge failed, until they land', async () => {
    // Prepare: a bus that fails the 2nd and 3rd entry of the first call (an entry's own InternalFailure)
    let call = 0;
    const sent: string[][] = [];
    const { deps, delivered, settle } = harness((bus) =>
      serviceFromHandlers<typeof EventBridge>('EventBridge', {
        PutEventsCommand: async (input) => {
          call++;
          sent.push((input.Entries ?? []).map((e) => e.DetailType!));
          if (call > 1) return bus.service.handle('PutEventsCommand', input);
          const out = (await bus.service.handle('PutEventsCommand', { Entries: [input.Entries![0], ...input.Entries!.slice(3)] })) as EventBridge.PutEventsCommandOutput;
          const failed = { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
          return { FailedEntryCount: 2, Entries: [out.Entries![0], failed, failed, ...out.Entries!.slice(1)] };
        },
      }),
    );
    // Act
    await run(lifeOfAStream(), deps);
    await settle();
    // Assess
    expect(sent[1]).toEqual(['stream.starting', 'schedule.fired']);
    expect(delivered).toHaveLength(15);
    expect(new Set(delivered.map((e) => (e.detail as { id: string }).id)).size).toBe(15);
  });

  it('fails with a named retryable error when some entries never land, so the event source mapping retries the batch', async () => {
    // Prepare: a bus that fails every stream.deleted entry
    const { deps } = harness((bus) =>
      serviceFromHandlers<typeof EventBridge>('EventBridge', {
        PutEventsCommand: async (input) => {
          const entries = input.Entries ?? [];
          const out = (await bus.service.handle('PutEventsCommand', input)) as EventBridge.PutEventsCommandOutput;
          const results = entries.map((e, i) => (e.DetailType === 'stream.deleted' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'down' } : out.Entries![i]));
          return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
        },
      }),
    );
    // Act / Assess
    const failure = run(lifeOfAStream(), deps);
    await expect(failure).rejects.toBeInstanceOf(Transient);
    await expect(failure).rejects.toThrow(/1 event\(s\) not accepted by EventBridge after 3 calls \(InternalFailure: down\)/);
  });

  it('refuses an image that is not a stream item, naming the field, and publishes nothing of the batch', async () => {
    // Prepare
    const { deps, delivered, settle } = harness();
    const before = item();
    const bad = Input.parse({ Records: [change(before, { ...before, state: 'bogus' as never, version: 2 }, 1)] });
    // Act / Assess
    await expect(run(bad, deps)).rejects.toBeInstanceOf(Invalid);
    await expect(run(bad, deps)).rejects.toThrow(/state: Invalid option/);
    await settle();
    expect(delivered).toEqual([]);
  });

  it('refuses records of a table it has no events for, naming it', async () => {
    // Prepare
    const { deps, delivered } = harness();
    const other = Input.parse({ Records: [change(undefined, item(), 1, 'arn:aws:dynamodb:eu-west-1:111122223333:table/other/stream/x')] });
    // Act / Assess
    await expect(run(other, deps)).rejects.toThrow(/no events are defined for table other/);
    expect(delivered).toEqual([]);
  });
});
