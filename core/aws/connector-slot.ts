import { ChimeUrlSchema, withBroadcast } from '../domain/chime-url';
import { epochString } from '../domain/clock';
import { CONNECTOR_ACTIONS, connectorConflict, type ConnectorStartAction, type ConnectorStopAction } from '../domain/connector';
import { Invalid, StreamStateConflict } from '../domain/errors';
import type { StreamItem } from '../domain/record';
import type { StreamStore } from './store';

/**
 * Takes the stream's one connector slot for `executionName`: `connector` becomes `starting` with
 * the meeting URL in broadcast mode. Idempotent for the owner (the API takes the slot before it starts the
 * execution, whose own take is then a no-op); anyone else gets a {@link StreamStateConflict}.
 * The API passes `expectedVersion`, the version its execution name derives from: concurrent
 * requests share that name, so only the one whose write lands on that version wins (see
 * `StreamStore.claim`).
 */
export async function takeConnectorSlot(
  store: StreamStore,
  streamId: string,
  args: { action: ConnectorStartAction; chimeUrl: string; executionName: string; now: Date; expectedVersion?: number },
): Promise<StreamItem> {
  if (!ChimeUrlSchema.safeParse(args.chimeUrl).success) throw new Invalid('chime_url must be an absolute http(s) URL');
  return store.mutate(streamId, (item) => {
    if (item.connector && item.connector_execution === args.executionName) return undefined;
    const conflict = connectorConflict(item, args.action);
    if (conflict) throw new StreamStateConflict(conflict);
    return {
      connector: {
        target: CONNECTOR_ACTIONS[args.action].target,
        state: 'starting',
        chime_url: withBroadcast(args.chimeUrl),
        task_id: null,
        started_at: epochString(args.now),
      },
      connector_execution: args.executionName,
    };
  }, args.expectedVersion);
}

/**
 * Marks the stream's connector `stopping`, which also tells a start still in flight to stand down
 * (see `tasks/run-connector.ts`). Repeating it is a no-op; no connector of that target is a
 * {@link StreamStateConflict}.
 */
export async function requestConnectorStop(store: StreamStore, streamId: string, action: ConnectorStopAction): Promise<StreamItem> {
  return store.mutate(streamId, (item) => {
    const conflict = connectorConflict(item, action);
    if (conflict) throw new StreamStateConflict(conflict);
    if (item.connector!.state === 'stopping') return undefined;
    return { connector: { ...item.connector!, state: 'stopping' } };
  });
}

