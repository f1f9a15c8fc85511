import { ChimeUrlSchema, withBroadcast } from './chime-url';
import { epochString } from './clock';
import type { Action } from './domain/actions';
import { Invalid, StreamStateConflict } from './errors';
import type { StreamItem, StreamRecord } from './record';
import type { StreamStore } from './store';
import { conflictMessage, isAllowed } from './transitions';

/**
 * The connector actions and the rules that guard them, in one place: the API checks them before it
 * answers (409) and the workflows' first step applies them again (a workflow may be started
 * without the API), both through {@link claimConnectorStart} / {@link claimConnectorStop}.
 */
export const CONNECTOR_ACTIONS = {
  chime_start: { target: 'medialive', kind: 'start' },
  chime_stop: { target: 'medialive', kind: 'stop' },
  ivs_start: { target: 'ivs', kind: 'start' },
  ivs_stop: { target: 'ivs', kind: 'stop' },
} as const satisfies Partial<Record<Action, { target: string; kind: 'start' | 'stop' }>>;
export type ConnectorAction = keyof typeof CONNECTOR_ACTIONS;
/** The connector actions, as `z.enum` takes them. */
export const CONNECTOR_ACTION_NAMES = Object.keys(CONNECTOR_ACTIONS) as [ConnectorAction, ...ConnectorAction[]];
type ConnectorActionOfKind<Kind> = {
  [A in ConnectorAction]: (typeof CONNECTOR_ACTIONS)[A]['kind'] extends Kind ? A : never;
}[ConnectorAction];
export type ConnectorStartAction = ConnectorActionOfKind<'start'>;
export type ConnectorStopAction = ConnectorActionOfKind<'stop'>;

export function startsConnector(action: ConnectorAction): action is ConnectorStartAction {
  return CONNECTOR_ACTIONS[action].kind === 'start';
}
export type ConnectorTarget = (typeof CONNECTOR_ACTIONS)[ConnectorAction]['target'];

/** Why `action` may not begin on this stream (the 409 message), or `undefined` when it may. */
export function connectorConflict(item: Pick<StreamRecord, 'state' | 'connector'>, action: ConnectorAction): string | undefined {
  if (!isAllowed(action, item.state)) return conflictMessage(action, item.state);
  const { target, kind } = CONNECTOR_ACTIONS[action];
  const current = item.connector;
  if (kind === 'start' && current) {
    return `stream already has a ${current.target} connector (${current.state}); one connector per stream`;
  }
  if (kind === 'stop' && current?.target !== target) {
    return current ? `stream has no ${target} connector (it has a ${current.target} connector)` : `stream has no ${target} connector`;
  }
  return undefined;
}

/**
 * Takes the stream's one connector slot for `executionName`: `connector` becomes `starting` with
 * the meeting URL in broadcast mode. Idempotent for the owner (the API claims before it starts the
 * execution, whose own claim is then a no-op); anyone else gets a {@link StreamStateConflict}.
 * The API passes `expectedVersion`, the version its execution name derives from: concurrent
 * requests share that name, so only the one whose write lands on that version wins (see
 * `StreamStore.claim`).
 */
export async function claimConnectorStart(
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
export async function claimConnectorStop(store: StreamStore, streamId: string, action: ConnectorStopAction): Promise<StreamItem> {
  return store.mutate(streamId, (item) => {
    const conflict = connectorConflict(item, action);
    if (conflict) throw new StreamStateConflict(conflict);
    if (item.connector!.state === 'stopping') return undefined;
    return { connector: { ...item.connector!, state: 'stopping' } };
  });
}

/**
 * Whether the stream's connector is still the one `connectorExecution` claimed (the start
 * execution that took the slot: a connector's identity). Every write a connector workflow makes
 * after its claim is conditional on this, never on "whatever connector is there now": the slot may
 * have been freed (by the watcher) and taken by the next start in between.
 */
export function holdsConnector(item: Pick<StreamItem, 'connector' | 'connector_execution'>, connectorExecution: string | null): boolean {
  return item.connector !== null && (item.connector_execution ?? null) === connectorExecution;
}

/** The ECS task id at the end of a task ARN (`arn:aws:ecs:…:task/{cluster}/{id}`), or the id itself. */
export function taskIdOf(taskArnOrId: string): string {
  return taskArnOrId.slice(taskArnOrId.lastIndexOf('/') + 1);
}

/** The ECS task group of a stream's connector: the ECS event of a stopped task names it, so a watcher finds the stream. */
export function connectorGroup(streamId: string): string {
  return `connector-${streamId}`;
}

export function streamIdOfGroup(group: string | undefined): string | undefined {
  return /^connector-([0-9a-f]{32})$/.exec(group ?? '')?.[1];
}
