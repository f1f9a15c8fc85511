import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, badRequest, unsupportedMediaType } from './errors';

/** The contract (`docs/API.md`): a body over 256 KiB is a 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What an action answers: a status and, unless 204, a JSON body, or a text body of `contentType`. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Set: `body` is a string sent as is with this type (the session playlist); unset: `body` is JSON. */
  contentType?: string;
}

/** The one header lookup: API Gateway keeps the client's spelling, HTTP says case doesn't matter. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The request body as JSON: `undefined` when there is none (absent or blank), a 413 over
 * {@link MAX_BODY_BYTES}, a 400 when it is not JSON. A JSON `null` is a body (`null`), not the
 * absence of one, so the route's schema judges it.
 */
export function jsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === null || event.body === undefined) return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new HttpError(413, `request body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A write (or anything with a body) must say `Content-Type: application/json`, else 415. This is
 * what keeps a web page from writing to the API cross-site without a CORS preflight: a browser
 * sends `text/plain`, a form type or nothing at all as a "simple" request, and only a JSON type
 * makes it ask first. A bodiless write may leave the header out (curl, the SDKs do).
 */
export function requireJsonContentType(event: Pick<APIGatewayProxyEvent, 'headers' | 'body'>): void {
  const type = header(event, 'content-type');
  if (type === undefined) {
    if (event.body) throw unsupportedMediaType('a request body must be sent with Content-Type: application/json');
    return;
  }
  const essence = type.split(';')[0].trim().toLowerCase();
  if (essence !== 'application/json') throw unsupportedMediaType('Content-Type must be application/json');
}

export function toResult(reply: Reply, extraHeaders: Record<string, string> = {}): APIGatewayProxyResult {
  if (reply.body === undefined) return { statusCode: reply.status, headers: { ...extraHeaders }, body: '' };
  if (reply.contentType !== undefined && typeof reply.body === 'string') {
    return { statusCode: reply.status, headers: { 'Content-Type': reply.contentType, ...extraHeaders }, body: reply.body };
  }
  return {
    statusCode: reply.status,
    headers: { 'Content-Type': 'application/json', ...extraHeaders },
    body: JSON.stringify(reply.body),
  };
}
