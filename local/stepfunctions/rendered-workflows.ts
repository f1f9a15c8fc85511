import type { WorkflowDefinition } from '../../workflows/definition';
import { WORKFLOWS, allTasks } from '../../workflows/registry';
import { renderWorkflow, stateNames, type RenderedWorkflow } from '../../workflows/render';

/** One workflow as the local Step Functions runs it: its action's state machine, rendered. */
export interface RenderedAction extends RenderedWorkflow {
  readonly action: string;
  /** Every state's name, Map and Parallel states' included (what an execution may report as its last state). */
  readonly stateNames: readonly string[];
}

/** Everything the local runtime needs of `workflows/`: this module is the only one that loads aws-cdk-lib for it. */
export interface RenderedWorkflows {
  /** Every task file some workflow invokes. */
  readonly tasks: readonly string[];
  readonly workflows: readonly RenderedAction[];
}

export function renderAction(definition: WorkflowDefinition): RenderedAction {
  const rendered = renderWorkflow(definition);
  return { action: definition.action, ...rendered, stateNames: stateNames(rendered.asl) };
}

/**
 * Every workflow, rendered, in the JSON form the runtime's cache keeps (local/stepfunctions/workflow-cache.ts),
 * so a start that rendered and one that read the cache run exactly the same definitions.
 */
export function renderAllWorkflows(): RenderedWorkflows {
  return JSON.parse(JSON.stringify({ tasks: allTasks(), workflows: WORKFLOWS.map(renderAction) })) as RenderedWorkflows;
}
