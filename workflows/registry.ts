import type { Action } from '../core/domain/actions';
import type { WorkflowDefinition } from './definition';
import { chimeStartWorkflow } from './chime-start';
import { chimeStopWorkflow } from './chime-stop';
import { createWorkflow } from './create';
import { deliverWebhookWorkflow } from './deliver-webhook';
import { deleteWorkflow } from './delete';
import { ivsStartWorkflow } from './ivs-start';
import { ivsStopWorkflow } from './ivs-stop';
import { liveWorkflow } from './live';
import { splitWorkflow } from './split';
import { startWorkflow } from './start';
import { stopWorkflow } from './stop';
import { unliveWorkflow } from './unlive';
import { updateWorkflow } from './update';

/** Each action's workflow, under its own name: an action without one, or a workflow filed under another action, is a compile error. */
const WORKFLOW_OF_ACTION = {
  create: createWorkflow,
  delete: deleteWorkflow,
  stop: stopWorkflow,
  start: startWorkflow,
  update: updateWorkflow,
  live: liveWorkflow,
  unlive: unliveWorkflow,
  chime_start: chimeStartWorkflow,
  chime_stop: chimeStopWorkflow,
  ivs_start: ivsStartWorkflow,
  ivs_stop: ivsStopWorkflow,
  split: splitWorkflow,
} satisfies { readonly [A in Action]: WorkflowDefinition<string, A> };

/** Workflows that no API action starts: started by an event (the webhook deliveries, `tasks/fan-out-webhooks.ts`). */
const EVENT_WORKFLOWS = [deliverWebhookWorkflow] as const;

/** Every workflow: one per action, and the event workflows. `infra/` deploys each; `local/` runs each. */
export const WORKFLOWS: readonly WorkflowDefinition[] = [...Object.values(WORKFLOW_OF_ACTION), ...EVENT_WORKFLOWS];

/** A task file that some workflow invokes (`infra/task-permissions.ts` must grant each). */
export type WorkflowTask = (typeof WORKFLOW_OF_ACTION)[Action]['tasks'][number] | (typeof EVENT_WORKFLOWS)[number]['tasks'][number];

/** Every task file that some workflow invokes. */
export function allTasks(): WorkflowTask[] {
  return [...new Set(WORKFLOWS.flatMap((w) => w.tasks as readonly WorkflowTask[]))].sort();
}
