/**
 * `docs/API.md`: the OpenAPI document of `openapi.ts` as a page a person reads. Every word of
 * prose comes from the document's own descriptions, so the page says what `docs/openapi.json`
 * says; this file only lays it out (routes, then the shapes they exchange, one row per field).
 */

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

interface Content {
  content?: Record<string, { schema: JsonSchema }>;
}

type Response = Content & { description: string };

interface Operation {
  operationId: string;
  summary: string;
  parameters: Parameter[];
  requestBody?: Content & { required: boolean };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  info: { title: string; description: string };
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    /** The error catalogue, by code. */
    responses: Record<string, Response & { 'x-status': number }>;
    securitySchemes: Record<string, { type: string; name: string; in: string; 'x-amazon-apigateway-authtype'?: string }>;
  };
}

/** One field of a flattened schema: `connector.target`, `timestamp_list[].start`. */
interface FieldRow {
  path: string;
  schema: JsonSchema;
  required: boolean;
}

const REF_PREFIX = '#/components/schemas/';
/** zod writes these bounds on every `.int()`; they say nothing to a reader. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

const code = (text: string) => `\`${text}\``;
/** A table cell: a pipe would end it and a newline the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** A heading's GitHub anchor: lowercase, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

const refName = (ref: string) => ref.slice(REF_PREFIX.length);
const link = (name: string) => `[${name}](#${anchorOf(name)})`;
const operationHeading = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The schema without a `| null` alternative, and whether it had one. */
function nullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((t) => t !== 'null');
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const options = schema.anyOf?.filter((s) => s.type !== 'null');
  if (schema.anyOf && options?.length === schema.anyOf.length - 1) {
    const { anyOf: _anyOf, ...rest } = schema;
    return { schema: options.length === 1 ? { ...rest, ...options[0] } : { ...rest, anyOf: options }, nullable: true };
  }
  return { schema, nullable: false };
}

/** The type as a reader writes it: `string \| null`, `"start" \| "stop"`, `StreamRecord[]`. */
function typeText(schema: JsonSchema): string {
  const inner = nullable(schema);
  if (inner.nullable) return `${typeText(inner.schema)} | null`;
  if (schema.$ref) return link(refName(schema.$ref));
  if (schema.enum) return schema.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (schema.anyOf) return schema.anyOf.map(typeText).join(' | ');
  if (schema.type === 'array') return schema.items?.properties ? 'object[]' : `${typeText(schema.items ?? {})}[]`;
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
    return `object of ${typeText(schema.additionalProperties)}`;
  }
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return schema.type ?? 'any JSON';
}

/** The limits the schema enforces, in words: `1–128 chars`, `≥ 0`, `matches …`. */
function constraintsText(schema: JsonSchema): string {
  const s = nullable(schema).schema;
  if (s.anyOf) return s.anyOf.map(constraintsText).filter(Boolean).join(' or ');
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    const lo = min === -SAFE_INTEGER ? undefined : min;
    const hi = max === SAFE_INTEGER ? undefined : max;
    if (lo !== undefined && hi !== undefined) return `${lo}–${hi}${unit}`;
    if (lo !== undefined) return `≥ ${lo}${unit}`;
    if (hi !== undefined) return `≤ ${hi}${unit}`;
    return undefined;
  };
  const parts = [
    range(s.minimum, s.maximum, ''),
    range(s.minLength, s.maxLength, ' chars'),
    range(s.minItems, s.maxItems, ' items'),
    s.pattern === undefined ? undefined : `matches ${code(s.pattern)}`,
    s.additionalProperties === false ? 'no other fields' : undefined,
  ];
  return parts.filter((p) => p !== undefined).join('; ');
}

/** Every field of an object schema, nested objects and arrays of objects flattened into paths. */
function fieldRows(schema: JsonSchema, prefix = ''): FieldRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const inner = nullable(field).schema;
    const nested = inner.type === 'array' && inner.items?.properties ? fieldRows(inner.items, `${path}[].`) : fieldRows(inner, `${path}.`);
    return [{ path, schema: field, required: required.has(name) }, ...nested];
  });
}

function fieldTable(schema: JsonSchema): string {
  const rows = fieldRows(schema).map((f) => [
    code(f.path),
    typeText(f.schema),
    f.required ? 'yes' : 'no',
    constraintsText(f.schema),
    f.schema.description ?? '',
  ]);
  return table(['field', 'type', 'required', 'limits', 'meaning'], rows);
}

/** What a schema is: an object's description and fields, else its type. */
function shapeText(schema: JsonSchema): string {
  if (!schema.properties) return `${typeText(schema)}${schema.description ? `: ${schema.description}` : ''}`;
  const limits = constraintsText(schema);
  return [schema.description, fieldTable(schema), limits && `Limits: ${limits}.`].filter(Boolean).join('\n\n');
}

/** A schema where a route names it: a link to a component, else its shape right there. */
const schemaBlock = (schema: JsonSchema) => (schema.$ref ? `${link(refName(schema.$ref))}.` : shapeText(schema));

const bodySchema = (content: Content) => Object.values(content.content ?? {})[0]?.schema;

function operationSection(method: string, path: string, op: Operation, catalogue: OpenApiDocument['components']['responses']): string {
  const parts = [`### ${operationHeading(method, path)}`, `${op.summary} (${code(op.operationId)})`];
  if (op.parameters.length) {
    const rows = op.parameters.map((p) => [
      code(p.name),
      p.in,
      p.required ? 'yes' : 'no',
      typeText(p.schema),
      constraintsText(p.schema),
      p.schema.description ?? p.description ?? '',
    ]);
    parts.push(table(['parameter', 'in', 'required', 'type', 'limits', 'meaning'], rows));
  }
  const requestBody = op.requestBody && bodySchema(op.requestBody);
  if (op.requestBody && requestBody) {
    parts.push(`Body (${op.requestBody.required ? 'required' : 'optional'}): ${schemaBlock(requestBody)}`);
  } else {
    parts.push('Body: none.');
  }
  const rows: string[][] = [];
  const catalogued: string[] = [];
  for (const [status, r] of Object.entries(op.responses)) {
    const errorCode = cataloguedError(catalogue, status, r);
    if (errorCode) catalogued.push(`${status} ${code(errorCode)}`);
    else {
      const schema = bodySchema(r);
      // A body that is not JSON is named by its media type (the session playlist's HLS text).
      const type = Object.keys(r.content ?? {})[0];
      const body = !schema ? '—' : type && type !== 'application/json' ? `${code(type)} text` : typeText(schema);
      rows.push([status, body, r.description]);
    }
  }
  parts.push(table(['status', 'body', 'when'], rows));
  if (catalogued.length) parts.push(`Errors ([as listed above](#errors)): ${catalogued.join(', ')}.`);
  return parts.join('\n\n');
}

/** The catalogue's code for a route's error response that says nothing the catalogue does not. */
function cataloguedError(catalogue: OpenApiDocument['components']['responses'], status: string, r: Response): string | undefined {
  const entry = Object.entries(catalogue).find(([, e]) => String(e['x-status']) === status);
  if (!entry) return undefined;
  const [errorCode, e] = entry;
  const same = r.description === `${errorCode}: ${e.description}` && bodySchema(r)?.$ref === bodySchema(e)?.$ref;
  return same ? errorCode : undefined;
}

function operations(doc: OpenApiDocument): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, string, Operation] => [method, path, op]),
  );
}

function securitySection(doc: OpenApiDocument): string {
  const rows = Object.entries(doc.components.securitySchemes).map(([name, s]) => [
    code(name),
    `${s.type}, header ${code(s.name)}`,
    s['x-amazon-apigateway-authtype'] ?? '',
  ]);
  const required = doc.security.flatMap((s) => Object.keys(s)).map(code).join(', ');
  return [`Every route requires ${required}.`, table(['scheme', 'carried in', 'API Gateway auth type'], rows)].join('\n\n');
}

/** The error catalogue: every error code, its status and when it is answered. */
function errorsSection(doc: OpenApiDocument): string {
  const rows = Object.entries(doc.components.responses).map(([errorCode, r]) => [
    String(r['x-status']),
    code(errorCode),
    typeText(bodySchema(r) ?? {}),
    r.description,
  ]);
  return table(['status', 'code', 'body', 'when'], rows);
}

/** The page for `doc`, as committed in `docs/API.md`. */
export function apiMarkdown(doc: OpenApiDocument): string {
  const ops = operations(doc);
  const index = ops.map(([method, path, op]) => [
    `[${code(operationHeading(method, path))}](#${anchorOf(operationHeading(method, path))})`,
    op.summary,
    Object.keys(op.responses).filter((s) => Number(s) < 400).join(', '),
  ]);
  const components = Object.entries(doc.components.schemas).map(([name, schema]) => `### ${name}\n\n${shapeText(schema)}`);
  return [
    `# ${doc.info.title}: HTTP API`,
    '<!-- Generated from docs/openapi.json by `npm run openapi` (api/api-markdown.ts); do not edit by hand. -->',
    doc.info.description,
    '## Authorization',
    securitySection(doc),
    '## Errors',
    errorsSection(doc),
    '## Routes',
    table(['route', 'what it does', 'success'], index),
    ...ops.map(([method, path, op]) => operationSection(method, path, op, doc.components.responses)),
    '## Shapes',
    ...components,
  ].join('\n\n') + '\n';
}
