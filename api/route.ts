import type * as z from '../core/domain/zod';
import type { Services } from '../core/aws/services';
import { badRequest, notFound, validationDetails, type ErrorStatus } from './errors';
import type { Reply } from './http';
import { NoBodySchema } from './schemas';

/** What the API talks to: the cloud's services, or the local runtime's. */
export type ApiServices = Pick<Services, 'config' | 'store' | 'sfn' | 'dynamodb' | 'scheduler' | 's3' | 'now'>;

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteContext<P, B> {
  params: P;
  body: B;
  services: ApiServices;
  requestId: string;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodMiniType;
  /** The body's media type when it is not JSON (the action's `Reply.contentType`). */
  contentType?: string;
}

/** One row of the route table: what it accepts (validated and documented) and what it does. */
export interface Route {
  method: Method;
  /** A path template, `{name}` for a parameter: `/streams/{id}/start`. */
  path: string;
  operationId: string;
  summary: string;
  /** The path parameters, as an object schema. */
  params?: z.ZodMiniType;
  /** The body; absent: the route takes none (nothing, or `{}`). */
  body?: z.ZodMiniType;
  /** The body may be left out (then it is validated as `{}`). */
  bodyOptional?: boolean;
  /** Success responses by status. */
  responses: Record<number, ResponseDoc>;
  /** The error statuses this route's own checks answer (the docs add 500, and 409/413 on every write). */
  errors: ErrorStatus[];
  /** Rules the schemas cannot state because they need the configuration: throws an `HttpError` (a 400 naming the field). */
  // `unknown`: the table erases each route's own types; `defineRoute` checks `check`/`run` against its schemas.
  check?(ctx: RouteContext<unknown, unknown>): void;
  run(ctx: RouteContext<unknown, unknown>): Promise<Reply>;
}

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

/** Types `run` by the route's own schemas, then erases them for the table. */
export function defineRoute<P extends z.ZodMiniType | undefined = undefined, B extends z.ZodMiniType | undefined = undefined>(
  route: Omit<Route, 'params' | 'body' | 'check' | 'run'> & {
    params?: P;
    body?: B;
    check?(ctx: RouteContext<Infer<P>, Infer<B>>): void;
    run(ctx: RouteContext<Infer<P>, Infer<B>>): Promise<Reply>;
  },
): Route {
  return route;
}

export interface Matched {
  route: Route;
  /** Raw (URL-decoded) path parameters, validated later by the route's schema. */
  params: Record<string, string>;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The route for `method` and `path`; a 404 naming both when there is none. */
export function matchRoute(routes: readonly Route[], method: string, path: string): Matched {
  const actual = segments(path);
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const template = segments(route.path);
    if (template.length !== actual.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!param) return part === actual[i];
      try {
        params[param] = decodeURIComponent(actual[i]);
      } catch {
        params[param] = actual[i];
      }
      return true;
    });
    if (matches) return { route, params };
  }
  throw notFound(`no route ${method.toUpperCase()} ${path}`);
}

function parse<S extends z.ZodMiniType>(schema: S, value: unknown, where: 'path' | 'body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = validationDetails(parsed.error.issues, where === 'path' ? ['path'] : []);
  const message = value === undefined && where === 'body' ? 'a request body is required' : `invalid request ${where}`;
  throw badRequest(message, details);
}

/** Validates path parameters and body against the route's schemas, then runs it. */
export async function runRoute(
  { route, params }: Matched,
  body: unknown,
  services: ApiServices,
  requestId: string,
): Promise<Reply> {
  const parsedParams = route.params ? parse(route.params, params, 'path') : undefined;
  const absent = body === undefined && (!route.body || route.bodyOptional);
  const parsedBody = parse(route.body ?? NoBodySchema, absent ? {} : body, 'body');
  const ctx = { params: parsedParams, body: parsedBody, services, requestId };
  route.check?.(ctx);
  return route.run(ctx);
}
