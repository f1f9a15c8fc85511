import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from '../core/domain/zod';
import { Invalid, Transient } from '../core/domain/errors';
import { EVENT_SOURCE, type StreamEvent } from '../core/domain/events';
import { StreamItemSchema, type StreamItem } from '../core/domain/record';
import { streamEvents } from '../core/domain/stream-events';
import { aws } from '../core/aws/calls';
import type { Services } from '../core/aws/services';
import type { Config } from '../core/lambda/config';
import { taskHandler } from '../core/lambda/task-handler';
import { eventBridgeClient } from '../core/aws/clients/eventbridge';

const Image = z.optional(z.record(z.string(), z.unknown()));

/**
 * A DynamoDB Streams event as Lambda's event source mapping hands it over, for a table whose stream
 * is NEW_AND_OLD_IMAGES (the fields we read): each record's `eventName` (INSERT, MODIFY, REMOVE),
 * the item before (`OldImage`, absent on INSERT) and after (`NewImage`, absent on REMOVE) in
 * DynamoDB's attribute-value JSON, `ApproximateCreationDateTime` in epoch seconds, and the stream's
 * ARN (`arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}`) —
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event),
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
export const Input = z.object({
  Records: z.array(
    z.object({
      eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
      eventSourceARN: z.string(),
      dynamodb: z.object({
        ApproximateCreationDateTime: z.optional(z.number()),
        SequenceNumber: z.optional(z.string()),
        OldImage: Image,
        NewImage: Image,
      }),
    }),
  ),
});
type StreamRecord = z.infer<typeof Input>['Records'][number];

type Deps = Pick<Services, 'events' | 'config' | 'now'>;

/** A table change as the diff functions take it: the item before and after, and when it happened. */
type TableDiff = (before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, at: Date) => StreamEvent[];

/**
 * Which events a change of each table makes, by the setting that names the table. One task serves
 * every streamed table (its mapping's records name their table); a table not listed here is a
 * deployment error, not something to drop silently.
 */
const DIFFS: Partial<Record<keyof Config, TableDiff>> = {
  TABLE_NAME: (before, after, at) => streamEvents(before && streamItem(before), after && streamItem(after), at),
};

/** An image of the stream table as a stream item; one that is not is {@link Invalid}, naming its fields. */
function streamItem(image: Record<string, unknown>): StreamItem {
  const parsed = StreamItemSchema.safeParse(image);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`);
  throw new Invalid(`publish-events: stream ${String(image.id)} is not a stream item: ${problems.join('; ')}`);
}

/**
 * PutEvents takes 1 to 10 entries a call, each up to 256 KB, and answers a failed entry in its own
 * `Entries` slot (with `ErrorCode`), counted in `FailedEntryCount`, while the others are accepted —
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html ("You must detect
 * unsuccessful entries and include them in a subsequent call").
 */
const MAX_ENTRIES = 10;
/** Calls per batch: the first, then the failed entries again, twice. */
const MAX_ATTEMPTS = 3;

/** `table/{name}/stream/…` of a stream ARN. */
function tableOf(eventSourceArn: string): string {
  const name = /:table\/([^/]+)\/stream\//.exec(eventSourceArn)?.[1];
  if (!name) throw new Transient(`publish-events: not a DynamoDB stream ARN: ${eventSourceArn}`);
  return name;
}

function diffOf(config: Config, table: string): TableDiff {
  for (const [setting, diff] of Object.entries(DIFFS) as [keyof Config, TableDiff][]) {
    if (config[setting] === table) return diff;
  }
  throw new Transient(`publish-events: no events are defined for table ${table}`);
}

/** The MediaLive channel the event is about, as EventBridge's `resources` (an ARN in the stream's account and region). */
function resourcesOf(record: StreamRecord, item: Record<string, unknown> | undefined): string[] {
  const channelId = item?.live_channel_id;
  const [, partition, , region, account] = record.eventSourceARN.split(':');
  return typeof channelId === 'string' && channelId ? [`arn:${partition}:medialive:${region}:${account}:channel:${channelId}`] : [];
}

function entriesOf(record: StreamRecord, diff: TableDiff, now: Date): PutEventsRequestEntry[] {
  const image = (raw: Record<string, unknown> | undefined) => raw && unmarshall(raw as Record<string, AttributeValue>);
  const before = image(record.dynamodb.OldImage);
  const after = image(record.dynamodb.NewImage);
  const at = record.dynamodb.ApproximateCreationDateTime === undefined ? now : new Date(record.dynamodb.ApproximateCreationDateTime * 1000);
  const resources = resourcesOf(record, after ?? before);
  return diff(before, after, at).map((event) => ({
    Source: EVENT_SOURCE,
    DetailType: event.kind,
    Detail: JSON.stringify(event),
    Time: new Date(event.at),
    Resources: resources,
  }));
}

/** Sends one batch, then the entries EventBridge failed again; throws {@link Transient} if some never land. */
async function putBatch(deps: Deps, entries: PutEventsRequestEntry[]): Promise<void> {
  let pending = entries;
  let errors: string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const out = await aws('publishing stream events', () => deps.events.send(new PutEventsCommand({ Entries: pending })));
    if (!out.FailedEntryCount) return;
    const results = out.Entries ?? [];
    errors = results.flatMap((result) => (result.ErrorCode ? [`${result.ErrorCode}: ${result.ErrorMessage ?? ''}`] : []));
    pending = pending.filter((_entry, i) => results[i]?.ErrorCode !== undefined);
  }
  if (pending.length > 0) {
    throw new Transient(`publish-events: ${pending.length} event(s) not accepted by EventBridge after ${MAX_ATTEMPTS} calls (${[...new Set(errors)].join('; ')})`);
  }
}

/**
 * Publishes the events of a batch of table changes to the default event bus, in the order of the
 * changes (one shard's records come in order). A record whose events cannot all be published fails
 * the whole invocation with {@link Transient}, so the event source mapping retries (bisecting, then
 * handing what still fails to its on-failure queue, `infra/stream-events.ts`); events already sent
 * go again then, under the same `id`, which receivers use to drop repeats.
 */
export async function run(input: z.infer<typeof Input>, deps: Deps): Promise<{ published: number }> {
  const entries = input.Records.flatMap((record) => entriesOf(record, diffOf(deps.config, tableOf(record.eventSourceARN)), deps.now()));
  for (let i = 0; i < entries.length; i += MAX_ENTRIES) await putBatch(deps, entries.slice(i, i + MAX_ENTRIES));
  return { published: entries.length };
}

export const handler = taskHandler(Input, run, { events: eventBridgeClient });
