import type { WorkflowDefinition } from './definition';
import { chimeStartWorkflow } from './chime-start';
import { chimeStopWorkflow } from './chime-stop';
import { createWorkflow } from './create';
import { deleteWorkflow } from './delete';
import { ivsStartWorkflow } from './ivs-start';
import { ivsStopWorkflow } from './ivs-stop';
import { liveWorkflow } from './live';
import { splitWorkflow } from './split';
import { startWorkflow } from './start';
import { stopWorkflow } from './stop';
import { unliveWorkflow } from './unlive';
import { updateWorkflow } from './update';

/** Every lifecycle workflow, by action. `infra/` deploys each; `local/` runs each. */
export const WORKFLOWS: readonly WorkflowDefinition[] = [
  createWorkflow,
  deleteWorkflow,
  stopWorkflow,
  startWorkflow,
  updateWorkflow,
  liveWorkflow,
  unliveWorkflow,
  chimeStartWorkflow,
  chimeStopWorkflow,
  ivsStartWorkflow,
  ivsStopWorkflow,
  splitWorkflow,
];

export function workflowFor(action: string): WorkflowDefinition {
  const found = WORKFLOWS.find((w) => w.action === action);
  if (!found) throw new Error(`no workflow for action ${action}`);
  return found;
}

/** Every task file that some workflow invokes. */
export function allTasks(): string[] {
  return [...new Set(WORKFLOWS.flatMap((w) => w.tasks))].sort();
}
