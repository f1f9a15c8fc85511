import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, badRequest } from './errors';

/** `API.md`: a body over 256 KiB is a 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What an action answers: a status and, unless 204, a JSON body. */
export interface Reply {
  status: number;
  body?: unknown;
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
 * {@link MAX_BODY_BYTES}, a 400 when it is not JSON.
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

export function toResult(reply: Reply, extraHeaders: Record<string, string> = {}): APIGatewayProxyResult {
  if (reply.body === undefined) return { statusCode: reply.status, headers: { ...extraHeaders }, body: '' };
  return {
    statusCode: reply.status,
    headers: { 'Content-Type': 'application/json', ...extraHeaders },
    body: JSON.stringify(reply.body),
  };
}
