import * as z from '../core/domain/zod';
import { ERROR_CODES, type ErrorStatus } from './errors';
import { IDEMPOTENCY_HEADER } from './idempotency';
import type { Route } from './route';
import { ROUTES } from './routes';
import { schemas } from './schemas';

type Json = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The body, path or a header does not match the schema, or the body is not JSON.',
  403: 'A browser request from another origin than the local runtime\'s own (the cloud asks IAM instead).',
  404: 'No such stream (or execution, or session).',
  408: 'The request (headers or body) did not arrive in time (local runtime).',
  409: 'The action is not allowed in the stream\'s state, the `version` is stale, or the `Idempotency-Key` was used with another body.',
  413: 'The body is over 256 KiB.',
  415: 'A body (or a write) whose Content-Type is not application/json.',
  422: 'Well-formed but impossible (e.g. `session_id` not in `archives_path`, or a session with no recording yet).',
  431: 'The request headers are too large (local runtime).',
  500: 'Anything else; the message carries a request id, never a stack trace or a secret.',
};

/** The conventions every route shares, as the document's own prose (the first section of `docs/API.md`). */
const DESCRIPTION = [
  'Live-stream control plane: create a stream, start it, push RTMP to it, serve it on the live distribution, stop it, ' +
    'and cut its recording into one MP4 per section.',
  '',
  '- JSON in and out (but for a session\'s playlist, an HLS playlist). A request with a body says `Content-Type: application/json`, and so does a POST or DELETE that ' +
    'sends a Content-Type at all (else 415). ' +
    'Request bodies are strict: an unknown field is a 400 naming it (an update may send the record\'s other fields back unchanged).',
  '- A 4xx changes nothing: no record written, no workflow started.',
  '- Long actions (start, stop, delete, split, the connectors) answer 202 at once with the record in its transitional state; ' +
    'the workflow finishes the job and the record shows how it ended. Short actions (create, update, live and unlive) wait ' +
    'up to `API_WAIT_SECONDS` (default 20) for their workflow, and answer 202 the same way if it is still running.',
  '- Timestamps in the stream record are Unix epoch seconds as strings, or null; durations are numbers of seconds.',
  '- Every POST and DELETE takes an optional `Idempotency-Key` header.',
  '- In the cloud every route requires IAM (SigV4) authorization. The local runtime listens on 127.0.0.1 only and answers ' +
    'a browser request from any other origin with 403.',
].join('\n');

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Json, type = 'application/json') => ({ content: { [type]: { schema } } });
const errorResponse = (status: ErrorStatus) => ({ description: `${ERROR_CODES[status]}: ${ERROR_DESCRIPTIONS[status]}`, ...json(ref('Error')) });

/**
 * Every error, by code, with its status (`x-status`): also the ones no route answers itself, which
 * the local HTTP server sends before a request reaches the table (408, 431).
 */
function errorCatalogue(): Json {
  const statuses = Object.keys(ERROR_CODES).map(Number) as ErrorStatus[];
  return Object.fromEntries(statuses.map((status) => [ERROR_CODES[status], { 'x-status': status, description: ERROR_DESCRIPTIONS[status], ...json(ref('Error')) }]));
}

/** JSON Schema for an OpenAPI 3.1 document: the ids and dialect markers zod adds stay out. */
function clean(schema: Json): Json {
  const { $id: _id, $schema: _dialect, ...rest } = schema;
  return rest;
}

/** A schema by name when it is a component, else inline. */
function schemaFor(schema: z.ZodMiniType): Json {
  const id = schemas.get(schema)?.id;
  return id ? ref(id) : clean(z.toJSONSchema(schema, { io: 'input' }));
}

function parameters(route: Route): Json[] {
  const shape = route.params ? (route.params as z.ZodMiniObject).shape : {};
  const inPath = Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    schema: clean(z.toJSONSchema(schema as z.ZodMiniType, { io: 'input' }) as Json),
  }));
  if (route.method === 'GET') return inPath;
  return [
    ...inPath,
    {
      name: IDEMPOTENCY_HEADER,
      in: 'header',
      required: false,
      description: 'A retry with the same key and body within 24 h returns the first response and does no new work; the same key with another body is a 409.',
      schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x20-\\x7e]+$' },
    },
  ];
}

function operation(route: Route): Json {
  const responses: Json = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    responses[status] = { description: doc.description, ...(doc.schema ? json(schemaFor(doc.schema), doc.contentType) : {}) };
  }
  // Every write may conflict on its Idempotency-Key and carry a body too large or of another type;
  // any request may come from a foreign origin.
  const writes = route.method !== 'GET';
  const errors = new Set<ErrorStatus>([...route.errors, 403, ...(writes ? ([409, 413, 415] as const) : []), 500]);
  for (const status of [...errors].sort((a, b) => a - b)) {
    responses[status] = errorResponse(status);
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    parameters: parameters(route),
    ...(route.body
      ? { requestBody: { required: !route.bodyOptional, ...json(schemaFor(route.body)) } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of {@link ROUTES}, from the same zod schemas the handler validates with. */
export function openApiDocument(): Json {
  const generated = z.toJSONSchema(schemas, { io: 'input', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Json>;
  };
  const components = Object.fromEntries(Object.entries(generated.schemas).map(([id, s]) => [id, clean(s)]));
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'FrontMaster Live Stream',
      version: '1.0.0',
      description: DESCRIPTION,
    },
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas: components,
      responses: errorCatalogue(),
      securitySchemes: {
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
    },
  };
}

/** The document as committed in `docs/openapi.json`. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
