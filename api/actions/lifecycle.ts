import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from '../../core/domain/zod';
import { sessionOf } from '../../core/domain/archive-path';
import { takeConnectorSlot, requestConnectorStop } from '../../core/aws/connector-slot';
import { connectorConflict, type ConnectorAction, type ConnectorStartAction, type ConnectorStopAction } from '../../core/domain/connector';
import type { Action } from '../../core/domain/actions';
import { StreamStateConflict } from '../../core/domain/errors';
import { GuardOptionsSchema, type GuardOptions } from '../../core/domain/guards';
import { DEFAULT_KEY_ROTATION_INTERVAL, DEFAULT_STARTOVER_WINDOW_SECONDS, toPublicRecord, type StreamItem } from '../../core/domain/record';
import { conflict, HttpError } from '../errors';
import type { Reply } from '../http';
import { launch } from '../launch';
import type { ApiServices, RouteContext } from '../route';
import type { ChimeBodySchema, StartBodySchema, StreamPath } from '../schemas';
import { settle } from '../workflow';

/**
 * start: claim (`starting`) with the new session already recorded, so the 202 shows
 * `current_session_id` and its `archives_path` entry. The session id derives from the execution
 * name and the path is resolved here and passed on, so the workflow records the very same session.
 */
export async function startStream({
  params,
  body,
  services,
}: RouteContext<StreamPath, z.infer<typeof StartBodySchema>>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  const startover = body.startover_window_seconds ?? DEFAULT_STARTOVER_WINDOW_SECONDS;
  const rotation = body.key_rotation_interval ?? DEFAULT_KEY_ROTATION_INTERVAL;
  const launched = await launch(services, {
    action: 'start',
    stream: item,
    plan: (executionName, stream) => {
      const session = sessionOf({
        executionName,
        streamId: stream.id,
        bucket: services.config.ARCHIVE_BUCKET,
        startedAt: services.now(),
        path: body.path,
      });
      return {
        patch: {
          current_session_id: session.session_id,
          archives_path: { ...stream.archives_path, [session.session_id]: session.archive_path },
          startover_window_seconds: startover,
          key_rotation_interval: rotation,
          stop_reason: null,
        },
        input: {
          session_id: session.session_id,
          path: session.archive_path,
          startover_window_seconds: startover,
          key_rotation_interval: rotation,
          // This session's guards; without them the workflow takes the record's (tasks/begin-session.ts).
          ...definedGuards(body),
        },
      };
    },
  });
  return { status: 202, body: toPublicRecord(launched.item) };
}

function definedGuards(body: GuardOptions): GuardOptions {
  return Object.fromEntries(Object.entries(body).filter(([field, value]) => field in GuardOptionsSchema.shape && value !== undefined));
}

/** A long action that needs nothing but the stream: 202 with the record as it stands. */
async function longAction(action: Action, item: StreamItem, services: ApiServices, input?: Record<string, unknown>): Promise<Reply> {
  const launched = await launch(services, { action, stream: item, ...(input ? { plan: () => ({ input }) } : {}) });
  return { status: 202, body: toPublicRecord(launched.item) };
}

/** stop: the operator's, as `stop_reason` will say (a guard's or a schedule's stop starts the workflow itself). */
export const stopStream = async ({ params, services }: RouteContext<StreamPath, unknown>) =>
  longAction('stop', await services.store.mustGet(params.id), services, { reason: 'operator' });

/**
 * delete: claim (`deleting`); the workflow takes everything down and removes the record last.
 * A delete of a stream that is already `deleting` (concurrent identical DELETEs: the first one
 * claimed it) is answered 202 with the record and starts nothing: the caller asked for the stream
 * to go and it is going, which is what the first caller was told too. The state rules
 * (`core/domain/transitions.ts`) leave the 409 to `creating`; once the record is gone, the read answers 404.
 */
export async function deleteStream({ params, services }: RouteContext<StreamPath, unknown>): Promise<Reply> {
  try {
    return await longAction('delete', await services.store.mustGet(params.id), services);
  } catch (err) {
    const conflicted = (err instanceof HttpError && err.status === 409) || err instanceof StreamStateConflict;
    if (!conflicted) throw err;
    const current = await services.store.mustGet(params.id);
    if (current.state !== 'deleting') throw err;
    return { status: 202, body: toPublicRecord(current) };
  }
}

/** live / unlive: short, idempotent; 204 once done, 202 with the record if it takes longer. */
async function liveAction(action: 'live' | 'unlive', id: string, services: ApiServices): Promise<Reply> {
  const item = await services.store.mustGet(id);
  const launched = await launch(services, { action, stream: item });
  const outcome = await settle(services.sfn, services.config, { action, streamId: id, executionArn: launched.executionArn });
  if (outcome === 'done') return { status: 204 };
  return { status: 202, body: toPublicRecord(await services.store.mustGet(id)) };
}

export const goLive = ({ params, services }: RouteContext<StreamPath, unknown>) => liveAction('live', params.id, services);
export const leaveLive = ({ params, services }: RouteContext<StreamPath, unknown>) => liveAction('unlive', params.id, services);

/** The stream, if the connector rules allow `action` on it (else the 409 naming why). */
async function connectorStream(action: ConnectorAction, id: string, services: ApiServices): Promise<StreamItem> {
  const item = await services.store.mustGet(id);
  const why = connectorConflict(item, action);
  if (why) throw conflict(`${why} (stream ${id})`);
  return item;
}

/**
 * chime_start / ivs_start: one connector per stream, by the rules of `core/domain/connector.ts`. The
 * connector slot is taken (`starting`, the URL in broadcast mode) under the execution's name before
 * the workflow starts, so two requests can't both win and the 202 shows it; the workflow's own
 * claim is then a no-op.
 */
async function connectorStart(action: ConnectorStartAction, id: string, chimeUrl: string, services: ApiServices): Promise<Reply> {
  const item = await connectorStream(action, id, services);
  const launched = await launch(services, {
    action,
    stream: item,
    connectorSlot: {
      fields: ['connector', 'connector_execution'],
      run: (executionName, stream) =>
        takeConnectorSlot(services.store, id, { action, chimeUrl, executionName, now: services.now(), expectedVersion: stream.version }),
    },
    plan: () => ({ input: { chime_url: chimeUrl } }),
  });
  const shown = action === 'ivs_start' ? await withIvsEndpoints(launched.item, services) : launched.item;
  return { status: 202, body: toPublicRecord(shown) };
}

const IVS_POLL_MS = 250;

/**
 * Clients read `ivs_viewer_endpoint` and `rtmp_ivs` from ivs_start's 202. The first ivs_start of a
 * stream creates its IVS channel in the workflow, a second or so in: the record is re-read until
 * they are set, for at most `API_WAIT_SECONDS` (then the record as it stands).
 */
async function withIvsEndpoints(item: StreamItem, services: ApiServices): Promise<StreamItem> {
  const deadline = performance.now() + services.config.API_WAIT_SECONDS * 1000;
  let current = item;
  while (current.rtmp_ivs === null && performance.now() < deadline) {
    await sleep(IVS_POLL_MS);
    current = (await services.store.get(item.id)) ?? current;
  }
  return current;
}

type ChimeRequest = RouteContext<StreamPath, z.infer<typeof ChimeBodySchema>>;

export const chimeStart = ({ params, body, services }: ChimeRequest) =>
  connectorStart('chime_start', params.id, body.chime_url, services);
export const ivsStart = ({ params, body, services }: ChimeRequest) => connectorStart('ivs_start', params.id, body.chime_url, services);

/** chime_stop / ivs_stop: only a connector of that kind can be stopped; it is marked `stopping` at once. */
async function connectorStop(action: ConnectorStopAction, id: string, services: ApiServices): Promise<Reply> {
  const item = await connectorStream(action, id, services);
  const launched = await launch(services, {
    action,
    stream: item,
    connectorSlot: { fields: ['connector'], run: () => requestConnectorStop(services.store, id, action) },
  });
  return { status: 202, body: toPublicRecord(launched.item) };
}

export const chimeStop = ({ params, services }: RouteContext<StreamPath, unknown>) => connectorStop('chime_stop', params.id, services);
export const ivsStop = ({ params, services }: RouteContext<StreamPath, unknown>) => connectorStop('ivs_stop', params.id, services);
