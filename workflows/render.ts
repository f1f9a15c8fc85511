import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph, type IChainable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import type { WorkflowDefinition } from './definition';

/** The account/region used only inside rendered ASL; never deployed. */
const RENDER_ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';

export interface RenderedWorkflow {
  /** Amazon States Language, as Step Functions would receive it. */
  readonly asl: AslDefinition;
  /** Task state name → task file name, for every Task state (including those inside Map/Parallel). */
  readonly taskOfState: Readonly<Record<string, string>>;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
}
interface AslState {
  Type: string;
  Resource?: string;
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [key: string]: unknown;
}

/**
 * Renders a workflow's chain to ASL without synthesizing a stack: the chain is built in a
 * throw-away stack whose task functions are imported by readable ARNs (`…:function:{task}`), the
 * graph is resolved, and the tokens that remain (ARN joins) are flattened to plain strings.
 */
export function renderWorkflow(definition: WorkflowDefinition): RenderedWorkflow {
  const stack = new Stack(new App(), `Render${definition.action.replace(/[^A-Za-z0-9]/g, '')}`);
  const functions: Record<string, IFunction> = {};
  for (const task of definition.tasks) {
    functions[task] = LambdaFunction.fromFunctionArn(stack, `fn-${task}`, `${RENDER_ARN_PREFIX}${task}`);
  }
  const chain: IChainable = definition.build(stack, functions);
  const graph = new StateGraph(chain.startState as State, definition.action);
  graph.timeout = definition.timeout;
  const asl = flattenTokens(stack.resolve(graph.toGraphJson())) as AslDefinition;
  return { asl, taskOfState: tasksOfStates(asl) };
}

/** Replaces `{"Fn::Join": [sep, parts]}` with the joined string and `{"Ref": x}` with `x`. */
function flattenTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenTokens);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => String(flattenTokens(p))).join(separator);
      }
      if (key === 'Ref') return String(arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, flattenTokens(v)]));
  }
  return value;
}

/** Every state's name, including those inside Map iterators and Parallel branches. */
export function stateNames(asl: AslDefinition, into: string[] = []): string[] {
  for (const [name, state] of Object.entries(asl.States)) {
    into.push(name);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) stateNames(nested, into);
    }
  }
  return into;
}

function tasksOfStates(asl: AslDefinition, into: Record<string, string> = {}): Record<string, string> {
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Type === 'Task' && state.Resource?.startsWith(RENDER_ARN_PREFIX)) {
      into[name] = state.Resource.slice(RENDER_ARN_PREFIX.length);
    }
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) tasksOfStates(nested, into);
    }
  }
  return into;
}
