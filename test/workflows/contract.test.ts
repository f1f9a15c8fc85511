import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { SplitExecutionInputSchema } from '../../core/domain/split-plan';
import { WORKFLOWS } from '../../workflows/registry';
import { renderWorkflow } from '../../workflows/render';
import { checkDefinition, type Sym, type TaskCheck } from './contract';

/**
 * Workflow ↔ task contract: every Task state of every registered state machine sends its task a
 * payload that the task's own zod `Input` accepts — the static keys and the `.$` paths, resolved
 * (symbolically, `./contract.ts`) against what earlier states put in the state — so a field
 * renamed on one side fails here, not as `task input invalid` after a deploy. A field that comes
 * from a task's result or the execution input is checked for presence only where this
 * definition wrote it; its shape is that task's (or the API's) business.
 */
const inputs = new Map<string, z.core.$ZodType>();
for (const task of new Set(WORKFLOWS.flatMap((w) => w.tasks))) {
  const mod = (await import(`../../tasks/${task}.ts`)) as { Input?: z.core.$ZodType };
  if (!mod.Input) throw new Error(`tasks/${task}.ts exports no Input`);
  inputs.set(task, mod.Input);
}

/**
 * The execution input, where a schema says what it holds (closed: a path to another field fails);
 * otherwise whatever the API or a schedule sent, not known here.
 */
function executionInput(action: string): Sym {
  if (action !== 'split') return { kind: 'object', fields: {}, open: true };
  const fields = Object.keys(SplitExecutionInputSchema.shape).map((key): [string, Sym] => [key, { kind: 'unknown', origin: `the execution input's ${key}` }]);
  return { kind: 'object', fields: Object.fromEntries(fields), open: false };
}

const checks: { action: string; check: TaskCheck }[] = WORKFLOWS.flatMap((workflow) => {
  const { asl, taskOfState } = renderWorkflow(workflow);
  const found = checkDefinition(
    asl,
    executionInput(workflow.action),
    (state) => taskOfState[state],
    (task) => inputs.get(task)!,
  );
  return [...found.values()].map((check) => ({ action: workflow.action, check }));
});

describe('workflow ↔ task contract', () => {
  it('reaches every Task state that invokes a task', () => {
    const expected = WORKFLOWS.flatMap((w) => Object.keys(renderWorkflow(w).taskOfState).map((state) => `${w.action}: ${state}`));

    expect(checks.map(({ action, check }) => `${action}: ${check.state}`).sort()).toEqual([...new Set(expected)].sort());
    console.log(`contract: ${checks.length} task states checked`);
  });

  it.each(checks.map(({ action, check }) => [`${action}: ${check.state} → ${check.task}`, check] as const))(
    '%s: its payload satisfies the task’s Input',
    (_, check) => {
      expect(check.problems).toEqual([]);
    },
  );
});

describe('the contract check itself', () => {
  const Input = z.object({ stream_id: z.string(), poll: z.object({ deadline_seconds: z.number() }), note: z.string().optional() });
  const open: Sym = { kind: 'object', fields: {}, open: true };
  const problemsOf = (parameters: Record<string, unknown>, before: Record<string, unknown> = { Type: 'Pass', Result: { deadline_seconds: 60 }, ResultPath: '$.poll' }) =>
    checkDefinition(
      { StartAt: 'Before', States: { Before: { ...before, Type: String(before.Type), Next: 'Task' }, Task: { Type: 'Task', Resource: 'x', Parameters: parameters, End: true } } },
      open,
      (state) => (state === 'Task' ? 'task' : undefined),
      () => Input,
    ).get('Task')!.problems;

  it('passes a payload the schema takes', () => {
    expect(problemsOf({ 'stream_id.$': '$.stream_id', 'poll.$': '$.poll' })).toEqual([]);
  });

  it('names a field the task renamed, a field it lacks, a known value it refuses, and a path to nothing', () => {
    expect(problemsOf({ 'streamId.$': '$.stream_id', 'poll.$': '$.poll' })).toEqual([
      'Task → tasks/task.ts Input.stream_id: required by the task, not sent',
      'Task → tasks/task.ts Input.streamId: sent, but the task has no such field',
    ]);
    expect(problemsOf({ 'stream_id.$': '$.stream_id', poll: { deadline_seconds: 'soon' } })).toEqual([
      'Task → tasks/task.ts Input.poll.deadline_seconds: Invalid input: expected number, received string',
    ]);
    const replaced = { Type: 'Pass', Parameters: { 'stream_id.$': '$.stream_id' } };
    expect(problemsOf({ 'stream_id.$': '$.stream_id', 'poll.$': '$.poll' }, replaced)).toEqual([
      'Task.Parameters.poll.$: $.poll selects nothing (the state has stream_id at $)',
    ]);
  });
});
