import type * as z from '../core/domain/zod';
import { NotFound, StreamStateConflict } from '../core/domain/errors';
import { logger } from '../core/lambda/logger';
import { redactText } from '../core/domain/redact';

/** The error codes of the contract (`docs/API.md`, Errors), by status. No other status or code leaves the API. */
export const ERROR_CODES = {
  400: 'ValidationError',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  409: 'StateConflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Unprocessable',
  431: 'RequestHeaderFieldsTooLarge',
  500: 'InternalError',
} as const;
export type ErrorStatus = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error that is already an HTTP answer. The message is shown to the caller as is. */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get code(): string {
    return ERROR_CODES[this.status];
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new HttpError(400, message, details);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
export const unprocessable = (message: string) => new HttpError(422, message);
export const unsupportedMediaType = (message: string) => new HttpError(415, message);

/** The contract's error body (`docs/API.md`, Error) for `status`, for answers written outside the API (the local server's own). */
export function errorBodyText(status: ErrorStatus, message: string): string {
  return JSON.stringify({ error: { code: ERROR_CODES[status], message } } satisfies ErrorBody);
}

/**
 * A failure whose cause we know and may name (a missing state machine, a workflow that failed).
 * Still a 500; the request id is appended when it is answered.
 */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** zod issues → `details`, one per problem, paths dotted (`timestamp_list.1.end`), unknown fields by name. */
export function validationDetails(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/**
 * Any thrown value → status and body. The store's own errors mean the caller's request: a stale
 * version or a state conflict (409), a stream that is gone (404; a `NotFound` translated from an
 * AWS error carries that error as `cause` and is ours, not the caller's: 500). Everything else is a
 * 500 whose message carries the request id and never a stack, an SDK message or a secret (those
 * go to the log).
 */
export function errorReply(err: unknown, requestId: string): { status: ErrorStatus; body: ErrorBody } {
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: { code: err.code, message: redactText(err.message) } };
    if (err.details?.length) body.error.details = err.details;
    return { status: err.status, body };
  }
  if (err instanceof StreamStateConflict) return errorReply(conflict(err.message), requestId);
  if (err instanceof NotFound && err.cause === undefined) return errorReply(notFound(err.message), requestId);
  const known = err instanceof InternalError ? `${err.message} ` : '';
  logger.error('request failed', {
    requestId,
    error: err instanceof Error ? { name: err.name, message: redactText(err.message) } : redactText(String(err)),
  });
  return {
    status: 500,
    body: { error: { code: ERROR_CODES[500], message: redactText(`${known}(request id ${requestId})`.trim()) } },
  };
}
