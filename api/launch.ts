import { executionName } from '../core/ids';
import { logger } from '../core/logger';
import type { StreamItem } from '../core/record';
import type { StreamPatch } from '../core/store';
import { TRANSITIONS, conflictMessage, isAllowed, targetState, type TransitionAction } from '../core/transitions';
import { conflict } from './errors';
import type { ApiServices } from './route';
import { stateMachineArn, startExecution, type WorkflowAction } from './workflow';

/** A write of the action's own instead of the state claim (the connector slot of `core/connector.ts`). */
export interface StreamClaim {
  /** The record fields it writes: restored if the workflow cannot be started. */
  fields: readonly (keyof StreamPatch)[];
  run(executionName: string): Promise<StreamItem>;
}

export interface LaunchSpec {
  action: WorkflowAction;
  /** The stream as the action read and checked it; `create`: the new item to write. */
  stream: StreamItem;
  /**
   * From the execution's name (session ids derive from it): `patch`, written with the claim (or
   * alone, for an action without a transitional state) so the reply already shows it, and `input`,
   * the execution's input besides `stream_id`.
   */
  plan?: (executionName: string) => { patch?: StreamPatch; input?: Record<string, unknown> };
  claim?: StreamClaim;
  /** The execution name's token; default `v{version after a write}` (`v1` for create). */
  token?: string;
}

export interface Launched {
  item: StreamItem;
  executionArn: string;
  executionName: string;
}

/** `fields` back to their values before the write (an absent optional field as `null`: the store skips `undefined`). */
function restoring(before: StreamItem, fields: readonly (keyof StreamPatch)[]): StreamPatch {
  return Object.fromEntries(fields.map((field) => [field, before[field] ?? null])) as StreamPatch;
}

/**
 * A state-changing request, the one way: write the record (claim the stream into its
 * transitional state under the execution's name, or the action's own claim, or apply the patch,
 * or create it), start the
 * workflow, remember the execution on the stream. If the workflow cannot be started, the write is
 * undone (conditional on the version it wrote), so a failed request changes nothing.
 * The caller has already validated the request and checked the stream (400/404/409/422).
 */
export async function launch(services: ApiServices, spec: LaunchSpec): Promise<Launched> {
  const { store, sfn, config } = services;
  const machineArn = stateMachineArn(config, spec.action);
  const before = spec.stream;
  const creates = spec.action === 'create';
  // The state rules (split has none); store.claim and the connector claims check them again as they write.
  const rule = spec.action in TRANSITIONS ? (spec.action as TransitionAction) : undefined;
  if (rule && !isAllowed(rule, before.state)) throw conflict(conflictMessage(rule, before.state));
  const claims = rule && targetState(rule) ? rule : undefined;
  const name = executionName(spec.action, before.id, spec.token ?? `v${creates ? before.version : before.version + 1}`);
  const { patch = {}, input = {} } = spec.plan?.(name) ?? {};

  let written: StreamItem | undefined;
  let fields: (keyof StreamPatch)[] = [];
  if (creates) {
    written = await store.create({ ...before, claimed_by: name });
  } else if (spec.claim) {
    written = await spec.claim.run(name);
    fields = [...spec.claim.fields];
  } else if (claims) {
    written = await store.claim(before.id, claims, name, patch, before.version);
    fields = [...(Object.keys(patch) as (keyof StreamPatch)[]), 'state', 'started', 'claimed_by'];
  } else if (Object.keys(patch).length > 0) {
    written = await store.update(before.id, before.version, patch);
    fields = Object.keys(patch) as (keyof StreamPatch)[];
  }

  let executionArn: string;
  try {
    executionArn = await startExecution(sfn, {
      action: spec.action,
      machineArn,
      name,
      input: { stream_id: before.id, ...input },
    });
  } catch (err) {
    if (written) await undo(services, { creates, before, written, fields });
    throw err;
  }
  const item = await store.trackExecution(before.id, executionArn);
  return { item, executionArn, executionName: name };
}

async function undo(
  services: ApiServices,
  { creates, before, written, fields }: { creates: boolean; before: StreamItem; written: StreamItem; fields: (keyof StreamPatch)[] },
): Promise<void> {
  try {
    if (creates) await services.store.delete(before.id, written.version);
    else await services.store.update(before.id, written.version, restoring(before, fields));
  } catch (err) {
    // Someone wrote after us: their write stands, and the stream may keep our claim until an operator acts.
    logger.error('could not undo the write of a request whose workflow did not start', {
      streamId: before.id,
      error: (err as Error).name,
    });
  }
}
