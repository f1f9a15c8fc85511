import { z } from 'zod';
import type { AslDefinition, AslState } from '../../workflows/render';

/**
 * A symbolic reading of what a state machine's data looks like at each state, enough to hold each
 * Task state's payload against the zod `Input` of the task it invokes.
 *
 * A value is known (`known`: JSON the definition itself wrote: static `Parameters`, a Pass
 * `Result`, a Catch's `{Error, Cause}`), an object of known fields (`object`; `open` when other,
 * unknown fields may be there too, e.g. the execution input), or unknown (`unknown`: what a task
 * returned, the context object, an intrinsic's result). Paths into an unknown value are unknown;
 * a path into a field a closed object lacks is an error, as it is for Step Functions
 * (`States.Runtime`).
 */
export type Sym =
  | { kind: 'known'; value: unknown }
  | { kind: 'object'; fields: Record<string, Sym>; open: boolean }
  | { kind: 'unknown'; origin: string };

export class ContractError extends Error {}

/** An ASL path field (`InputPath`, `OutputPath`, `ItemsPath`): a JSONPath string, or the state is malformed. */
function jsonPathOf(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ContractError(`${where} is not a JSONPath: ${JSON.stringify(value)}`);
  return value;
}

const unknown = (origin: string): Sym => ({ kind: 'unknown', origin });

function symOf(value: unknown): Sym {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return { kind: 'object', fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, symOf(v)])), open: false };
  }
  return { kind: 'known', value };
}

/** The segments of a reference path (`$.a.b`, `$['a']`, `$.a[0]`); array indexes as numbers. */
function segments(path: string, root: string): (string | number)[] {
  const rest = path.slice(root.length);
  const out: (string | number)[] = [];
  const pattern = /\.([A-Za-z_][\w-]*)|\['([^']+)'\]|\[(\d+)\]/gy;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(rest)) !== null) {
    out.push(match[3] !== undefined ? Number(match[3]) : (match[1] ?? match[2]));
    consumed = pattern.lastIndex;
  }
  if (consumed !== rest.length) throw new ContractError(`unsupported path ${path}`);
  return out;
}

/** What `path` selects in `input` (a `$…` reference path), or a {@link ContractError} naming what is missing. */
export function resolvePath(input: Sym, path: string, where: string): Sym {
  let current = input;
  const walked: string[] = ['$'];
  for (const segment of segments(path, '$')) {
    walked.push(String(segment));
    if (current.kind === 'unknown') return current;
    if (current.kind === 'known') {
      const value = current.value as Record<string | number, unknown> | null;
      if (value === null || typeof value !== 'object' || !(segment in value)) throw new ContractError(`${where}: ${path} selects nothing (no ${walked.join('.')})`);
      current = symOf(value[segment]);
      continue;
    }
    const field = current.fields[String(segment)];
    if (field) current = field;
    else if (current.open) return unknown(`${path} (not written by this definition)`);
    else throw new ContractError(`${where}: ${path} selects nothing (the state has ${Object.keys(current.fields).join(', ') || 'no fields'} at ${walked.slice(0, -1).join('.')})`);
  }
  return current;
}

/** `Parameters`/`ItemSelector`/`ResultSelector` evaluated over `input` (and `item`, `$$.Map.Item.Value`). */
export function evaluateTemplate(template: unknown, input: Sym, where: string, item?: Sym): Sym {
  if (!template || typeof template !== 'object' || Array.isArray(template)) return symOf(template);
  const fields: Record<string, Sym> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    if (!key.endsWith('.$')) {
      fields[key] = evaluateTemplate(value, input, `${where}.${key}`, item);
      continue;
    }
    const name = key.slice(0, -2);
    const expression = String(value);
    if (expression === '$$.Map.Item.Value' && item) fields[name] = item;
    else if (expression.startsWith('$$')) fields[name] = unknown('the context object');
    else if (expression.startsWith('$')) fields[name] = resolvePath(input, expression, `${where}.${key}`);
    else if (expression.startsWith('States.')) {
      // An intrinsic's arguments must resolve too; its result is not known here.
      for (const path of expression.match(/\$[\w.[\]']*/g) ?? []) resolvePath(input, path, `${where}.${key}`);
      fields[name] = unknown(expression);
    } else throw new ContractError(`${where}.${key}: not a path or an intrinsic: ${expression}`);
  }
  return { kind: 'object', fields, open: false };
}

/** `input` with `result` written at `resultPath` (`$` or absent: replaced; `null`: discarded). */
export function applyResultPath(input: Sym, result: Sym, resultPath: string | null | undefined): Sym {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const path = segments(resultPath, '$');
  const write = (into: Sym, at: (string | number)[]): Sym => {
    if (at.length === 0) return result;
    const [head, ...rest] = at;
    const base: Extract<Sym, { kind: 'object' }> =
      into.kind === 'object' ? into : into.kind === 'known' && into.value && typeof into.value === 'object' ? (symOf(into.value) as Extract<Sym, { kind: 'object' }>) : { kind: 'object', fields: {}, open: into.kind === 'unknown' };
    return { ...base, fields: { ...base.fields, [String(head)]: write(base.fields[String(head)] ?? unknown('new'), rest) } };
  };
  return write(input, path);
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema as z.core.$ZodType & { _zod: { def: { innerType?: z.core.$ZodType; in?: z.core.$ZodType; type: string } } };
  while (current._zod.def.innerType || (current._zod.def.type === 'pipe' && current._zod.def.in)) {
    current = (current._zod.def.innerType ?? current._zod.def.in) as typeof current;
  }
  return current;
}

/**
 * The problems of `payload` against `schema`: a required field it lacks, a field the schema does
 * not have (a renamed field), a known value the schema refuses. Unknown values pass: their shape
 * is the producing task's business. `whole`: the payload is the whole state input, whose other
 * fields the task ignores.
 */
export function checkAgainst(schema: z.core.$ZodType, payload: Sym, where: string, whole = false): string[] {
  if (payload.kind === 'unknown') return [];
  if (payload.kind === 'known') {
    const parsed = z.safeParse(schema, payload.value);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${where}${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message}`);
  }
  const inner = unwrap(schema);
  const options = inner._zod.def.type === 'union' ? (inner._zod.def as unknown as { options: z.core.$ZodType[] }).options : undefined;
  if (options) {
    // One of the union's shapes must take it (a discriminated union: the one its tag selects).
    const each = options.map((option) => checkAgainst(option, payload, where, whole));
    return each.some((problems) => problems.length === 0) ? [] : each.reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (!(inner instanceof z.core.$ZodObject)) {
    return inner instanceof z.core.$ZodRecord || inner instanceof z.core.$ZodUnknown || inner instanceof z.core.$ZodAny ? [] : [`${where}: an object, where the task wants ${inner._zod.def.type}`];
  }
  const problems: string[] = [];
  const shape = inner._zod.def.shape as Record<string, z.core.$ZodType>;
  for (const [key, field] of Object.entries(shape)) {
    const value = payload.fields[key];
    if (value) problems.push(...checkAgainst(field, value, `${where}.${key}`));
    else if (!payload.open && !z.safeParse(field, undefined).success) problems.push(`${where}.${key}: required by the task, not sent`);
  }
  const acceptsOthers = (inner._zod.def as { catchall?: unknown }).catchall !== undefined;
  if (!whole && !acceptsOthers) {
    for (const key of Object.keys(payload.fields)) if (!(key in shape)) problems.push(`${where}.${key}: sent, but the task has no such field`);
  }
  return problems;
}

export interface TaskCheck {
  state: string;
  task: string;
  problems: string[];
}

/**
 * Walks every path through `definition` from `input`, tracking the state's shape, and checks
 * each Task state that invokes a task (`taskOf` gives its name, `schemaOf` its `Input`) each time
 * a new shape reaches it. Returns one entry per Task state, with every problem found on any path.
 */
export function checkDefinition(
  definition: AslDefinition,
  input: Sym,
  taskOf: (stateName: string) => string | undefined,
  schemaOf: (task: string) => z.core.$ZodType,
  into = new Map<string, TaskCheck>(),
): Map<string, TaskCheck> {
  const seen = new Set<string>();
  const pending: [string, Sym][] = [[definition.StartAt, input]];
  while (pending.length > 0) {
    const [name, shape] = pending.pop()!;
    const key = `${name}\n${JSON.stringify(shape)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const state = definition.States[name];
    if (!state) throw new ContractError(`no state ${name}`);
    const next = (to: string | undefined, data: Sym) => {
      if (to) pending.push([to, data]);
    };
    const effective = state.InputPath === undefined ? shape : state.InputPath === null ? symOf({}) : resolvePath(shape, jsonPathOf(state.InputPath, `${name}.InputPath`), `${name}.InputPath`);
    for (const c of (state.Catch as { Next: string; ResultPath?: string | null }[] | undefined) ?? []) {
      next(c.Next, applyResultPath(shape, symOf({ Error: 'error', Cause: 'cause' }), c.ResultPath));
    }
    const output = (result: Sym) => {
      const written = applyResultPath(shape, result, state.ResultPath as string | null | undefined);
      return state.OutputPath ? resolvePath(written, jsonPathOf(state.OutputPath, `${name}.OutputPath`), `${name}.OutputPath`) : written;
    };
    const afterSelector = (raw: Sym) => (state.ResultSelector ? evaluateTemplate(state.ResultSelector, raw, `${name}.ResultSelector`) : raw);
    switch (state.Type) {
      case 'Task': {
        const task = taskOf(name);
        if (task) {
          const check = into.get(name) ?? { state: name, task, problems: [] };
          let problems: string[];
          try {
            const payload = state.Parameters ? evaluateTemplate(state.Parameters, effective, `${name}.Parameters`) : effective;
            problems = checkAgainst(schemaOf(task), payload, `${name} → tasks/${task}.ts Input`, !state.Parameters);
          } catch (err) {
            if (!(err instanceof ContractError)) throw err;
            problems = [err.message];
          }
          for (const problem of problems) if (!check.problems.includes(problem)) check.problems.push(problem);
          into.set(name, check);
        } else if (state.Parameters) {
          evaluateTemplate(state.Parameters, effective, `${name}.Parameters`);
        }
        next(state.Next as string | undefined, output(afterSelector(unknown(`${name}'s result`))));
        break;
      }
      case 'Pass': {
        const result = state.Parameters ? evaluateTemplate(state.Parameters, effective, `${name}.Parameters`) : 'Result' in state ? symOf(state.Result) : effective;
        next(state.Next as string | undefined, output(result));
        break;
      }
      case 'Choice':
        for (const choice of (state.Choices as { Next: string }[] | undefined) ?? []) next(choice.Next, shape);
        next(state.Default as string | undefined, shape);
        break;
      case 'Wait':
        next(state.Next as string | undefined, shape);
        break;
      case 'Map': {
        const items = state.ItemsPath ? resolvePath(effective, jsonPathOf(state.ItemsPath, `${name}.ItemsPath`), `${name}.ItemsPath`) : effective;
        const item = items.kind === 'known' && Array.isArray(items.value) && items.value.length > 0 ? symOf(items.value[0]) : unknown(`an item of ${name}`);
        const selector = state.ItemSelector ?? state.Parameters;
        const iteration = selector ? evaluateTemplate(selector, effective, `${name}.ItemSelector`, item) : item;
        checkDefinition((state.ItemProcessor ?? state.Iterator)!, iteration, taskOf, schemaOf, into);
        next(state.Next as string | undefined, output(afterSelector(unknown(`${name}'s results`))));
        break;
      }
      case 'Parallel':
        for (const branch of state.Branches ?? []) checkDefinition(branch, effective, taskOf, schemaOf, into);
        next(state.Next as string | undefined, output(afterSelector(unknown(`${name}'s results`))));
        break;
      case 'Succeed':
      case 'Fail':
        break;
      default:
        throw new ContractError(`${name}: state type ${state.Type} is not read by this check`);
    }
  }
  return into;
}

export type { AslState };
