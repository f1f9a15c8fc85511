import { executionName } from '../core/domain/ids';
import { logger } from '../core/lambda/logger';
import type { StreamItem } from '../core/domain/record';
import { MAX_WRITE_ATTEMPTS, VersionConflict, backOffAfterConflict, tracking, type StreamPatch } from '../core/aws/store';
import { TRANSITIONS, conflictMessage, isAllowed, targetState, type TransitionAction } from '../core/domain/transitions';
import { conflict } from './errors';
import type { ApiServices } from './route';
import { executionArnOf, stateMachineArn, startExecution, type WorkflowAction } from './workflow';

/** The connector actions' write (the connector slot, `core/aws/connector-slot.ts`), made instead of a state claim. */
export interface ConnectorSlotWrite {
  /** The record fields it writes: restored if the workflow cannot be started. */
  fields: readonly (keyof StreamPatch)[];
  /**
   * Writes the slot on exactly `stream.version`, the version the execution name derives from
   * (else a {@link VersionConflict}): concurrent requests that read the same version share the
   * name, so only a write conditional on that version tells the one winner apart.
   */
  run(executionName: string, stream: StreamItem): Promise<StreamItem>;
}

export interface LaunchSpec {
  action: WorkflowAction;
  /** The stream as the action read and checked it; `create`: the new item to write. */
  stream: StreamItem;
  /**
   * The caller sent the `version` it read (update): a write that finds the stream changed is then
   * the caller's conflict, a 409. Without one, losing an optimistic-lock race to a concurrent
   * write is ours to handle: the request is planned again on a fresh read and retried (bounded,
   * jittered), and only a state that now forbids it is a 409.
   */
  versioned?: boolean;
  /**
   * From the execution's name (session ids derive from it) and the stream as read for this try:
   * `patch`, written with the claim (or alone, for an action without a transitional state) so the
   * reply already shows it, and `input`, the execution's input besides `stream_id`.
   */
  plan?: (executionName: string, stream: StreamItem) => { patch?: StreamPatch; input?: Record<string, unknown> };
  connectorSlot?: ConnectorSlotWrite;
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
  return Object.fromEntries(fields.map((field) => [field, before[field] ?? null]));
}

/**
 * A state-changing request, the one way: write the record (claim the stream into its
 * transitional state under the execution's name, or write the connector slot, or apply the patch,
 * or create it), start the
 * workflow, remember the execution on the stream. If the workflow cannot be started, the write is
 * undone (conditional on the version it wrote), so a failed request changes nothing.
 * The caller has already validated the request and checked the stream (400/404/409/422).
 * Every write is conditional on the version read; see {@link LaunchSpec.versioned} for what
 * happens when a concurrent write got there first.
 */
export async function launch(services: ApiServices, spec: LaunchSpec): Promise<Launched> {
  let stream = spec.stream;
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOn(services, spec, stream);
    } catch (err) {
      const ours = err instanceof VersionConflict && !spec.versioned && spec.action !== 'create';
      if (!ours || attempt >= MAX_WRITE_ATTEMPTS) throw err;
      await backOffAfterConflict(attempt);
      stream = await services.store.mustGet(stream.id);
    }
  }
}

/** One try of {@link launch} on the stream as read (`before`). */
async function launchOn(services: ApiServices, spec: LaunchSpec, before: StreamItem): Promise<Launched> {
  const { store, sfn, config } = services;
  const machineArn = stateMachineArn(config, spec.action);
  const creates = spec.action === 'create';
  // The state rules (split has none); store.claim and the connector slot's writes check them again as they write.
  const rule = spec.action in TRANSITIONS ? (spec.action as TransitionAction) : undefined;
  if (rule && !isAllowed(rule, before.state)) throw conflict(conflictMessage(rule, before.state));
  const claimed = rule && targetState(rule) ? rule : undefined;
  const name = executionName(spec.action, before.id, spec.token ?? `v${creates ? before.version : before.version + 1}`);
  const { patch = {}, input = {} } = spec.plan?.(name, before) ?? {};

  // The execution is recorded in the same write as the claim or patch (its ARN follows from the
  // name): one contended write per request instead of two, and a later trackExecution is a read.
  const tracked = tracking(before, executionArnOf(machineArn, name));
  let written: StreamItem | undefined;
  let fields: (keyof StreamPatch)[] = [];
  if (creates) {
    written = await store.create({ ...before, ...tracked, claimed_by: name });
  } else if (spec.connectorSlot) {
    written = await spec.connectorSlot.run(name, before);
    fields = [...spec.connectorSlot.fields];
  } else if (claimed) {
    written = await store.claim(before.id, claimed, name, { ...patch, ...tracked }, before.version);
    fields = [...(Object.keys(patch) as (keyof StreamPatch)[]), 'execution_arns', 'state', 'started', 'claimed_by'];
  } else if (Object.keys(patch).length > 0) {
    written = await store.update(before.id, before.version, { ...patch, ...tracked });
    fields = [...(Object.keys(patch) as (keyof StreamPatch)[]), 'execution_arns'];
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
  const item = written?.execution_arns.includes(executionArn) ? written : await store.trackExecution(before.id, executionArn);
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
