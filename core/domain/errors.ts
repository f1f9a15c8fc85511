/**
 * The errors that state machines match on (`ErrorEquals`) and the API maps to status codes.
 * Lambda reports a thrown error's `name` as its error type, so every class pins `name` to a
 * constant: minifiers and subclassing can't change what a `Retry` or `Catch` sees.
 */
export class DomainError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** AWS asked us to slow down. Retryable with backoff. */
export class Throttled extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Throttled', message, options);
  }
}

/** A 5xx or network failure. Retryable with backoff. */
export class Transient extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Transient', message, options);
  }
}

/** The resource is in a transitional state (e.g. a channel still CREATING). Retryable. */
export class Conflict extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Conflict', message, options);
  }
}

/** The resource does not exist. Deletes treat it as done. */
export class NotFound extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NotFound', message, options);
  }
}

/** The request can never succeed as made. Not retryable. */
export class Invalid extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Invalid', message, options);
  }
}

/** The stream's state or version does not allow the action. Not retryable. */
export class StreamStateConflict extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('StreamStateConflict', message, options);
  }
}

/**
 * A webhook's receiver did not take a delivery (no 2xx in time, or unreachable). Retried by the
 * delivery workflow's own 24 h policy (`workflows/deliver-webhook.ts`), not the short one of the
 * other errors.
 */
export class WebhookDeliveryFailed extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WebhookDeliveryFailed', message, options);
  }
}

/** Error names, as state machines write them in `ErrorEquals`. */
export const ErrorNames = {
  Throttled: 'Throttled',
  Transient: 'Transient',
  Conflict: 'Conflict',
  NotFound: 'NotFound',
  Invalid: 'Invalid',
  StreamStateConflict: 'StreamStateConflict',
  WebhookDeliveryFailed: 'WebhookDeliveryFailed',
} as const;

/** The errors a workflow retries with backoff; everything else fails (or is caught) at once. */
export const RETRYABLE_ERRORS = [ErrorNames.Throttled, ErrorNames.Transient, ErrorNames.Conflict];
