import * as z from '../core/domain/zod';
import { EVENT_DATA_SCHEMAS, EVENT_KINDS, EVENT_SCHEMA_VERSION, EVENT_SOURCE, StreamEventSchema, type EventKind } from '../core/domain/events';

/** When each kind is published: the change of the stream record (or split-progress item) that makes it. */
const WHEN: Record<EventKind, string> = {
  'stream.created': 'The stream is provisioned: its record went from `creating` to `idle` (a create that fails is `stream.failed`).',
  'stream.starting': 'A start began: the record entered `starting`.',
  'stream.running': 'The channel runs: the record entered `running`.',
  'stream.stopping': 'A stop began: the record entered `stopping`.',
  'stream.idle': 'The stream is stopped and ready to start again: the record entered `idle` from any state but `creating`. `stop_reason` says why the session ended.',
  'stream.failed': 'A workflow failed: the record entered `failed`; `last_error` says why.',
  'stream.deleting': 'A delete began: the record entered `deleting`.',
  'stream.deleted': 'The record is gone (what the stream made in AWS is deleted; recordings are kept).',
  'stream.live': 'The live distribution serves the stream (`live` became true).',
  'stream.unlive': 'The live distribution no longer serves it (`live` became false).',
  'stream.input_connected': 'An encoder is pushing to the input (`input_connected` became true).',
  'stream.input_disconnected': 'The encoder went away (`input_connected` was true and is not any more, e.g. at a stop).',
  'connector.running': 'The Chime connector runs (its state became `running`).',
  'connector.stopped': 'The connector is gone: its slot was freed without an error (a `chime_stop`/`ivs_stop`, or a stop of the stream).',
  'connector.failed': 'A connector action recorded an error in `last_error` (the connector died, or could not start or stop).',
  'schedule.fired': 'A timed start or stop came due and started its workflow (the schedule\'s state became `fired`).',
  'schedule.skipped': 'A timed start or stop came due and its state rule forbade it, or it was missed (the schedule\'s state became `skipped`).',
  'split.section.done': 'One section of a split is transcoded; `output` is its MP4.',
  'split.section.failed': 'One section of a split failed; `error` says why. The other sections go on.',
  'guard.stopped': 'A cost guard ended the session: the stream is `idle` with `stop_reason` `max_session` or `idle` (beside that write\'s `stream.idle`).',
};

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType): string {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output' }) as Json;
  return JSON.stringify(rest, null, 2);
}

const EXAMPLE = {
  version: '0',
  id: '6f0c6a1e-2b1d-4c3e-9a55-3f0e2c1d4b5a',
  'detail-type': 'stream.running',
  source: EVENT_SOURCE,
  account: '123456789012',
  time: '2026-12-02T09:00:05Z',
  region: 'eu-west-1',
  resources: ['arn:aws:medialive:eu-west-1:123456789012:channel:1234567'],
  detail: {
    id: '0123456789abcdef0123456789abcdef:v7:stream.running',
    kind: 'stream.running',
    version: EVENT_SCHEMA_VERSION,
    stream_id: '0123456789abcdef0123456789abcdef',
    at: '2026-12-02T09:00:05.000Z',
    data: { state: 'running', previous_state: 'starting', session_id: 'fedcba9876543210fedcba9876543210', stop_reason: null, last_error: null },
  },
};

const RULE = {
  source: [EVENT_SOURCE],
  'detail-type': ['stream.running', 'stream.idle', 'stream.failed'],
};

/** docs/EVENTS.md, generated from the schemas of core/domain/events.ts (`npm run openapi` writes it; a test compares). */
export function eventsMarkdown(): string {
  const kinds = EVENT_KINDS.map(
    (kind) => `### \`${kind}\`\n\n${WHEN[kind]}\n\n\`data\`:\n\n\`\`\`json\n${jsonSchema(EVENT_DATA_SCHEMAS[kind])}\n\`\`\`\n`,
  );
  return `# Stream events

<!-- Generated from core/domain/events.ts by \`npm run openapi\` (api/events-doc.ts); do not edit by hand. -->

Every change of a stream is published as an event: in the cloud on the account's **default
EventBridge bus**, with \`source\` \`${EVENT_SOURCE}\` and the event's kind as its \`detail-type\`;
locally on the runtime's in-process bus, in the same shape. Webhooks receive the same \`detail\` as
their body.

The events are made from the stream table's own change stream (DynamoDB Streams, item before and
after each write, \`core/domain/stream-events.ts\`), so a change that was written is published and
a write that did not happen is not. Delivery is **at least once**: a batch that is retried may
publish an event again, under the same \`id\`. A receiver drops repeats by \`id\`; \`id\` is derived
from the stream, the record version the change made and the kind (it never changes between
deliveries). Events of one stream are published in the order of its writes; EventBridge does not
promise the order in which targets receive them, so order by \`at\` (and the version in \`id\`).

No event carries a stream key, an IVS key or any other secret.

## The event

An EventBridge event (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html);
\`resources\` names the stream's MediaLive channel once it has one:

\`\`\`json
${JSON.stringify(EXAMPLE, null, 2)}
\`\`\`

Its \`detail\`, the envelope every kind shares:

\`\`\`json
${jsonSchema(StreamEventSchema)}
\`\`\`

## Versioning

\`detail.version\` is the schema version, now \`${EVENT_SCHEMA_VERSION}\`. A change that could break a
receiver (a field removed, renamed or retyped, a kind removed) bumps it; adding a field or a kind
does not, so a receiver ignores fields and kinds it does not know.

## Routing events with an EventBridge rule

A rule on the default bus picks the kinds it wants by \`detail-type\`:

\`\`\`json
${JSON.stringify(RULE, null, 2)}
\`\`\`

For example, with the AWS CLI:

\`\`\`sh
aws events put-rule --name fmls-stream-changes \\
  --event-pattern '${JSON.stringify(RULE)}'
aws events put-targets --rule fmls-stream-changes --targets Id=1,Arn=arn:aws:sqs:eu-west-1:123456789012:my-queue
\`\`\`

or in CDK: \`new Rule(this, 'StreamChanges', { eventPattern: { source: ['${EVENT_SOURCE}'], detailType: ['stream.failed'] }, targets: [...] })\`.
Content filtering on \`detail\` works too, e.g. \`"detail": { "stream_id": ["…"] }\` for one stream.

## Kinds

${kinds.join('\n')}`;
}
