import { randomUUID } from 'node:crypto';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { logger } from '../core/lambda/logger';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import { serviceFromHandlers, type LocalService } from './service';
import { serviceError } from './service-errors';

/** An event as EventBridge hands it to a rule's target: https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** What a local rule matches: each field listed must be one of its values (EventBridge's exact-match patterns). */
export interface BusPattern {
  source?: readonly string[];
  'detail-type'?: readonly string[];
}

export type BusListener = (event: BusEvent) => unknown;

/** PutEvents takes at most 10 entries: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html */
const MAX_ENTRIES = 10;

/**
 * The default event bus, in process: PutEvents as EventBridge answers it (an id per entry, a
 * malformed entry failed on its own in `Entries` and counted in `FailedEntryCount`, the call
 * refused above 10 entries), and rules as listeners with exact-match patterns on `source` and
 * `detail-type`. Each matching listener gets the event after the call has returned, as a target
 * does; a listener's failure is logged, not thrown back at the sender.
 */
export class LocalEventBridge {
  private readonly rules: { pattern: BusPattern; listener: BusListener }[] = [];

  readonly service: LocalService = serviceFromHandlers<typeof EventBridge>('EventBridge', {
    PutEventsCommand: (input) => {
      const entries = input.Entries ?? [];
      if (entries.length === 0 || entries.length > MAX_ENTRIES) {
        // What EventBridge answers a request outside the Entries constraint (1–10 members): a 400 ValidationException.
        throw serviceError(EventBridgeServiceException, 400, `PutEvents takes 1 to ${MAX_ENTRIES} entries, got ${entries.length}`, {
          name: 'ValidationException',
          $fault: 'client',
        });
      }
      const results = entries.map((entry) => this.accept(entry));
      return {
        FailedEntryCount: results.filter((result) => result.ErrorCode).length,
        Entries: results,
      };
    },
  });

  /** Adds a rule: `listener` gets every later event that matches `pattern`. */
  subscribe(pattern: BusPattern, listener: BusListener): void {
    this.rules.push({ pattern, listener });
  }

  private accept(entry: EventBridge.PutEventsRequestEntry): EventBridge.PutEventsResultEntry {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: LOCAL_ACCOUNT,
      time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: entry.Resources ?? [],
      detail,
    };
    for (const rule of this.rules) {
      if (matches(rule.pattern, event)) setImmediate(() => void deliver(rule.listener, event));
    }
    return { EventId: event.id };
  }
}

function matches(pattern: BusPattern, event: BusEvent): boolean {
  return (
    (!pattern.source || pattern.source.includes(event.source)) &&
    (!pattern['detail-type'] || pattern['detail-type'].includes(event['detail-type']))
  );
}

async function deliver(listener: BusListener, event: BusEvent): Promise<void> {
  try {
    await listener(event);
  } catch (err) {
    logger.error('local event bus: a rule\'s target failed', { detailType: event['detail-type'], error: String(err) });
  }
}
