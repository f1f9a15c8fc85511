/**
 * The console's one way to the API: JSON in and out, errors as {@link ApiError} carrying the API's
 * own error body (`{"error": {code, message, details}}`), so a view can show a validation message
 * next to the field it names. Where the API is comes from `console/config.json` (the local runtime
 * serves `{"apiBase": ""}`: same origin; a cloud deployment serves its own).
 */

/** One wrong field of a validation error, as the API names it (`timestamp_list.1.end`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  body?: unknown;
  /** The answer is text, not JSON (the session playlist): it is returned as the string it is. */
  text?: boolean;
  /** Sent as `Idempotency-Key`: a retried create or start does the work once. */
  idempotencyKey?: string;
}

export interface ConsoleConfig {
  /** Prefixed to every API path; `""` is the page's own origin. */
  apiBase: string;
}

export interface ApiClient {
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

type Fetch = (input: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

/** A client of the API at `config.apiBase`; `fetchImpl` is the page's (or Node's) fetch. */
export function createApiClient(config: ConsoleConfig, fetchImpl: Fetch = (input, init) => fetch(input, init)): ApiClient {
  const base = config.apiBase.replace(/\/+$/, '');
  return {
    async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
      const headers: Record<string, string> = { Accept: options.text ? '*/*' : 'application/json' };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
      let response: Awaited<ReturnType<Fetch>>;
      try {
        response = await fetchImpl(`${base}${path}`, {
          method,
          headers,
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        });
      } catch (err) {
        // Status 0: no answer at all (the runtime is down, or the network); the views say so.
        throw new ApiError(0, 'NetworkError', `the API did not answer (${err instanceof Error ? err.message : String(err)})`);
      }
      const text = await response.text();
      if (!response.ok) throw errorOf(response.status, text);
      if (options.text) return text as T;
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}

/** The API's error body as an {@link ApiError}; anything else (a proxy's page) still says its status. */
export function errorOf(status: number, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error !== undefined && typeof error.code === 'string' && typeof error.message === 'string') {
      const details = Array.isArray(error.details)
        ? (error.details as unknown[]).filter(isDetail).map(({ path, message }) => ({ path, message }))
        : [];
      return new ApiError(status, error.code, error.message, details);
    }
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return new ApiError(status, 'HttpError', `the API answered ${status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`);
}

function isDetail(value: unknown): value is ErrorDetail {
  const detail = value as Partial<ErrorDetail> | null;
  return typeof detail?.path === 'string' && typeof detail.message === 'string';
}

/** Reads `console/config.json` (relative to the page, so a console served under a prefix finds its own). */
export async function loadConfig(fetchImpl: Fetch = (input, init) => fetch(input, init), url = 'console/config.json'): Promise<ConsoleConfig> {
  const response = await fetchImpl(url, { method: 'GET', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`console/config.json answered ${response.status}`);
  const parsed = JSON.parse(await response.text()) as Partial<ConsoleConfig>;
  if (typeof parsed.apiBase !== 'string') throw new Error('console/config.json: apiBase must be a string');
  return { apiBase: parsed.apiBase };
}
