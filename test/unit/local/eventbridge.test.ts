import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from '@jest/globals';
import { aws } from '../../../core/aws/calls';
import { Invalid } from '../../../core/domain/errors';
import { bindLocalService } from '../../../local/aws-binding';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';
import { LocalEventBridge, type BusEvent } from '../../../local/eventbridge';

function harness() {
  const bus = new LocalEventBridge();
  const client = bindLocalService(new EventBridgeClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), bus.service);
  return { bus, client };
}

/** Resolves with what a listener got once `count` events have reached it (delivery is after the call, as a target's). */
function collect(bus: LocalEventBridge, pattern: Parameters<LocalEventBridge['subscribe']>[0], count: number): Promise<BusEvent[]> {
  const got: BusEvent[] = [];
  return new Promise((resolve) => bus.subscribe(pattern, (event) => (got.push(event), got.length === count && resolve(got))));
}

const entry = (detailType: string, detail: object = { n: 1 }, source = 'frontmaster.livestream') => ({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) });

describe('LocalEventBridge: the default bus in process', () => {
  it('answers PutEvents with one result per entry, in order: an EventId, or the entry\'s own error counted in FailedEntryCount', async () => {
    // PutEvents: "The response Entries array always includes the same number of entries as the request array";
    // a failed entry has ErrorCode/ErrorMessage, the others go on (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html)
    // Prepare
    const { client } = harness();
    // Act
    const out = await client.send(
      new PutEventsCommand({ Entries: [entry('stream.running'), { Source: 'frontmaster.livestream', DetailType: 'stream.idle', Detail: '{not json' }, entry('stream.idle')] }),
    );
    // Assess
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries).toHaveLength(3);
    expect(out.Entries![0].EventId).toEqual(expect.any(String));
    expect(out.Entries![1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: expect.any(String) });
    expect(out.Entries![2].EventId).not.toBe(out.Entries![0].EventId);
  });

  it('refuses a call of more than 10 entries (or none) as a whole, as a ValidationException the adapters read as Invalid', async () => {
    // PutEvents Entries: "Array Members: Minimum number of 1 item. Maximum number of 10 items"
    // (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html)
    // Prepare
    const { bus, client } = harness();
    let delivered = 0;
    bus.subscribe({}, () => void delivered++);
    const eleven = Array.from({ length: 11 }, (_, i) => entry('stream.running', { i }));
    // Act / Assess
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    await expect(aws('publishing', () => client.send(new PutEventsCommand({ Entries: [] })))).rejects.toBeInstanceOf(Invalid);
    await client.send(new PutEventsCommand({ Entries: eleven.slice(0, 10) }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toBe(10);
  });

  it('hands each rule the events its pattern matches, as EventBridge shapes them for a target', async () => {
    // Prepare
    const { bus, client } = harness();
    const running = collect(bus, { source: ['frontmaster.livestream'], 'detail-type': ['stream.running'] }, 1);
    const ours = collect(bus, { source: ['frontmaster.livestream'] }, 2);
    const other: BusEvent[] = [];
    bus.subscribe({ source: ['aws.medialive'] }, (event) => void other.push(event));
    // Act
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...entry('stream.running', { id: 'e1' }), Time: new Date('2026-12-02T06:00:00.123Z'), Resources: ['arn:aws:medialive:us-east-1:000000000000:channel:1'] },
          entry('stream.idle', { id: 'e2' }),
        ],
      }),
    );
    // Assess: the event structure of https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
    const [first] = await running;
    expect(first).toEqual({
      version: '0',
      id: out.Entries![0].EventId,
      'detail-type': 'stream.running',
      source: 'frontmaster.livestream',
      account: '000000000000',
      time: '2026-12-02T06:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:medialive:us-east-1:000000000000:channel:1'],
      detail: { id: 'e1' },
    });
    expect((await ours).map((e) => e['detail-type'])).toEqual(['stream.running', 'stream.idle']);
    expect(other).toEqual([]);
  });

  it('keeps a failing rule\'s error to itself: the sender and the other rules are not affected', async () => {
    // Prepare
    const { bus, client } = harness();
    bus.subscribe({}, () => {
      throw new Error('target down');
    });
    const healthy = collect(bus, {}, 1);
    // Act
    const out = await client.send(new PutEventsCommand({ Entries: [entry('stream.idle')] }));
    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(await healthy).toHaveLength(1);
  });
});
