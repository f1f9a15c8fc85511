import { executionName } from '../core/ids';
import { logger } from '../core/logger';
import type { StreamItem } from '../core/record';
import type { StreamPatch } from '../core/store';
import { TRANSITIONS, conflictMessage, isAllowed, targetState, type TransitionAction } from '../core/transitions';
import { conflict } from './errors';
import type { ApiServices } from './route';
import { stateMachineArn, startWorkflow, type WorkflowAction } from './workflow';

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
  /** The execution name's token; default `v{version after a write}` (`v1` for create). */
  token?: string;
}

export interface Launched {
  item: StreamItem;
  executionArn: string;
  executionName: string;
}

/** The record fields a write changed, back to their values before it. */
function inverseOf(before: StreamItem, written: StreamPatch): StreamPatch {
  const keys = Object.keys(written) as (keyof StreamPatch)[];
  return Object.fromEntries(keys.map((key) => [key, before[key]])) as StreamPatch;
}

/**
 * A state-changing request, the one way: write the record (claim the stream into its
 * transitional state under the execution's name, or apply the patch, or create it), start the
 * workflow, remember the execution on the stream. If the workflow cannot be started, the write is
 * undone (conditional on the version it wrote), so a failed request changes nothing.
 * The caller has already validated the request and checked the stream (400/404/409/422).
 */
export async function launch(services: ApiServices, spec: LaunchSpec): Promise<Launched> {
  const { store, sfn, config } = services;
  const machineArn = stateMachineArn(config, spec.action);
  const before = spec.stream;
  const creates = spec.action === 'create';
  // The state rules; create and split have none. store.claim checks them again as it writes.
  const rule = spec.action in TRANSITIONS ? (spec.action as TransitionAction) : undefined;
  if (rule && !isAllowed(rule, before.state)) throw conflict(conflictMessage(rule, before.state));
  const claims = rule && targetState(rule) ? rule : undefined;
  const name = executionName(spec.action, before.id, spec.token ?? `v${creates ? before.version : before.version + 1}`);
  const { patch = {}, input = {} } = spec.plan?.(name) ?? {};

  let written: StreamItem | undefined;
  let writtenPatch: StreamPatch = {};
  if (creates) {
    written = await store.create({ ...before, claimed_by: name });
  } else if (claims) {
    written = await store.claim(before.id, claims, name, patch, before.version);
    writtenPatch = { ...patch, state: written.state, started: written.started, claimed_by: written.claimed_by };
  } else if (Object.keys(patch).length > 0) {
    written = await store.update(before.id, before.version, patch);
    writtenPatch = patch;
  }

  let executionArn: string;
  try {
    executionArn = await startWorkflow(sfn, {
      action: spec.action,
      machineArn,
      name,
      input: { stream_id: before.id, ...input },
    });
  } catch (err) {
    if (written) await undo(services, { creates, before, written, patch: writtenPatch });
    throw err;
  }
  const item = await store.trackExecution(before.id, executionArn);
  return { item, executionArn, executionName: name };
}

async function undo(
  services: ApiServices,
  { creates, before, written, patch }: { creates: boolean; before: StreamItem; written: StreamItem; patch: StreamPatch },
): Promise<void> {
  try {
    if (creates) await services.store.delete(before.id, written.version);
    else await services.store.update(before.id, written.version, inverseOf(before, patch));
  } catch (err) {
    // Someone wrote after us: their write stands, and the stream may keep our claim until an operator acts.
    logger.error('could not undo the write of a request whose workflow did not start', {
      streamId: before.id,
      error: (err as Error).name,
    });
  }
}
