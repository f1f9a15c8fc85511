import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { WorkflowDefinition, WorkflowResources } from './definition';

/** The account/region used only inside rendered ASL; never deployed. */
const RENDER_ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';
/** Placeholders for what service-integration states name, in the same account. */
export const RENDER_RESOURCES: WorkflowResources = { mediaConvertRoleArn: 'arn:aws:iam::000000000000:role/fmls-mediaconvert' };

export interface RenderedWorkflow {
  /** Amazon States Language, as Step Functions would receive it. */
  readonly asl: AslDefinition;
  /** Task state name → task file name, for every Task state (including those inside Map/Parallel). */
  readonly taskOfState: Readonly<Record<string, string>>;
  /**
   * Task state name → service integration (`Resource`, e.g. `arn:aws:states:::mediaconvert:createJob.sync`),
   * for every Task state that calls an AWS service itself instead of a task Lambda.
   */
  readonly integrationOfState: Readonly<Record<string, string>>;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
}
export interface AslState {
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
  const chain: IChainable = definition.build(stack, functions, RENDER_RESOURCES);
  const graph = new StateGraph(chain.startState, definition.action);
  graph.timeout = definition.timeout;
  const asl = flattenTokens(stack.resolve(graph.toGraphJson())) as AslDefinition;
  const taskOfState: Record<string, string> = {};
  const integrationOfState: Record<string, string> = {};
  for (const [name, state] of everyState(asl)) {
    if (state.Type !== 'Task' || !state.Resource) continue;
    if (state.Resource.startsWith(RENDER_ARN_PREFIX)) taskOfState[name] = state.Resource.slice(RENDER_ARN_PREFIX.length);
    else integrationOfState[name] = state.Resource;
  }
  return { asl, taskOfState, integrationOfState };
}

/** What the render's pseudo parameters stand for (service-integration ARNs name the partition). */
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Replaces `{"Fn::Join": [sep, parts]}` with the joined string and `{"Ref": x}` with `x` (a pseudo parameter with its value). */
function flattenTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenTokens);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => String(flattenTokens(p))).join(separator);
      }
      if (key === 'Ref') return PSEUDO_PARAMETERS[String(arg)] ?? String(arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, flattenTokens(v)]));
  }
  return value;
}

/** Every state with its name, including those inside Map iterators and Parallel branches. */
export function everyState(asl: AslDefinition, into: [string, AslState][] = []): [string, AslState][] {
  for (const [name, state] of Object.entries(asl.States)) {
    into.push([name, state]);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) everyState(nested, into);
    }
  }
  return into;
}

/** Every state's name, including those inside Map iterators and Parallel branches. */
export function stateNames(asl: AslDefinition): string[] {
  return everyState(asl).map(([name]) => name);
}
