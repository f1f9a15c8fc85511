import { isDeepStrictEqual } from 'node:util';
import type * as z from '../../core/domain/zod';
import { epochString } from '../../core/domain/clock';
import { newHexId } from '../../core/domain/ids';
import { newStreamItem, toPublicRecord, type StreamItem } from '../../core/domain/record';
import { VersionConflict, type StreamPatch } from '../../core/aws/store';
import { badRequest } from '../errors';
import type { Reply } from '../http';
import { launch } from '../launch';
import type { RouteContext } from '../route';
import { EDITABLE_FIELDS, type CreateStreamBodySchema, type StreamPath, type UpdateStreamBodySchema } from '../schemas';
import { settle } from '../workflow';

export async function listStreams({ services }: RouteContext<undefined, unknown>): Promise<Reply> {
  const items = await services.store.list();
  return { status: 200, body: items.map(toPublicRecord) };
}

export async function getStream({ params, services }: RouteContext<StreamPath, unknown>): Promise<Reply> {
  return { status: 200, body: toPublicRecord(await services.store.mustGet(params.id)) };
}

/** create: write the record (`creating`), start the workflow, wait a while: 201 once `idle`, else 202. */
export async function createStream({
  body,
  services,
}: RouteContext<undefined, z.infer<typeof CreateStreamBodySchema>>): Promise<Reply> {
  const { max_session_seconds: maxSession, idle_stop_seconds: idleStop, ...fields } = body;
  const stream = {
    ...newStreamItem({ id: newHexId(), ...fields, now: epochString(services.now()) }),
    ...(maxSession === undefined ? {} : { max_session_seconds: maxSession }),
    ...(idleStop === undefined ? {} : { idle_stop_seconds: idleStop }),
  };
  const launched = await launch(services, {
    action: 'create',
    stream,
    plan: () => ({ input: { name: stream.name, segment_length: stream.segment_length } }),
  });
  await settle(services.sfn, services.config, { action: 'create', streamId: stream.id, executionArn: launched.executionArn });
  const current = await services.store.mustGet(stream.id);
  return { status: current.state === 'idle' ? 201 : 202, body: toPublicRecord(current) };
}

/**
 * Clients send back the whole record they got: fields they may not change must be unchanged. All
 * offenders are named at once.
 */
function checkReadOnly(body: Record<string, unknown>, item: StreamItem): void {
  const changed = Object.entries(body)
    .filter(([field]) => field !== 'version' && !(EDITABLE_FIELDS as readonly string[]).includes(field))
    .filter(([field, value]) => !isDeepStrictEqual(value, item[field as keyof StreamItem]))
    .map(([field]) => field);
  if (changed.length > 0) {
    throw badRequest(
      `read-only field${changed.length > 1 ? 's' : ''} ${changed.join(', ')} cannot be changed (only ${EDITABLE_FIELDS.join(', ')} can)`,
      changed.map((path) => ({ path, message: 'read-only: must equal the stored value' })),
    );
  }
}

/** The editable fields of the body that differ from the stream as read. */
function changesOf(body: z.infer<typeof UpdateStreamBodySchema>, item: StreamItem): StreamPatch {
  const patch: StreamPatch = {};
  for (const field of EDITABLE_FIELDS) {
    if (body[field] !== undefined && body[field] !== item[field]) Object.assign(patch, { [field]: body[field] });
  }
  return patch;
}

/**
 * update: apply name/description/segment_length and the guards (from the next start), then sync the channel's name. With `version`
 * the caller asked for optimistic locking: any other version is a 409. Without it, a concurrent
 * write is not the caller's business: `launch` retries on a fresh read, so of many concurrent
 * unversioned updates every one succeeds, and the record ends holding one of them whole.
 */
export async function updateStream({
  params,
  body,
  services,
}: RouteContext<StreamPath, z.infer<typeof UpdateStreamBodySchema>>): Promise<Reply> {
  const item = await services.store.mustGet(params.id);
  if (body.version !== undefined && body.version !== item.version) {
    throw new VersionConflict(item.id, body.version, item.version);
  }
  // Read-only fields are checked against the record as first read: the one the client sent back.
  checkReadOnly(body, item);
  // Nothing to change: nothing to write, no workflow to run.
  if (Object.keys(changesOf(body, item)).length === 0) return { status: 200, body: toPublicRecord(item) };

  const launched = await launch(services, {
    action: 'update',
    stream: item,
    versioned: body.version !== undefined,
    plan: (_name, stream) => ({ patch: changesOf(body, stream) }),
  });
  const outcome = await settle(services.sfn, services.config, {
    action: 'update',
    streamId: item.id,
    executionArn: launched.executionArn,
  });
  const current = await services.store.mustGet(item.id);
  return { status: outcome === 'done' ? 200 : 202, body: toPublicRecord(current) };
}
