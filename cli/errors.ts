import type { ErrorDetail } from '../api/errors';
/**
 * The CLI's exit codes (docs/CLI.md) and the errors that carry them, so every way a command can end
 * maps to one code in one place (`main.ts`).
 */
export const EXIT = {
  ok: 0,
  /** The API answered with an error, a followed workflow failed, or the API could not be reached. */
  failed: 1,
  /** The command line is wrong: nothing was sent. */
  usage: 2,
  /** `--wait` gave up after `--timeout`. */
  timedOut: 3,
} as const;

/** A bad command line, found before any request; the message names the flag or argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The API's error answer (`{"error": {code, message, details?}}`), or a non-JSON error from whatever answered. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** The body as the API sent it, for `--json`. */
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

/** The request could not be made (connection refused, credentials missing, …). */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
}

/** The API answered, but not with what the command needs (e.g. `obs` of a stream with no input yet). */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

/** A workflow followed by `--wait` ended badly. */
export class WaitFailed extends Error {
  override readonly name = 'WaitFailed';
}

/** `--wait` ran out of `--timeout`. */
export class WaitTimedOut extends Error {
  override readonly name = 'WaitTimedOut';
}
