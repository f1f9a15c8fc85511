import { redactText } from './redact';

/** A caught error as a Catch with `resultPath: '$.failure'` leaves it in the state. */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

/**
 * The one-line, redacted message of a caught failure, as `last_error.message` shows it. Lambda
 * puts a JSON `{errorMessage, errorType, …}` in `Cause`; a Fail/Pass state writes a plain sentence.
 */
export function caughtFailureMessage(failure: CaughtFailure): string {
  const text = failure.Cause ? `${failure.Error}: ${causeText(failure.Cause)}` : failure.Error;
  return redactText(text).slice(0, 1024);
}

/** The readable part of a Step Functions `Cause`: a Lambda's `errorMessage`, else the sentence itself. Not redacted. */
export function causeText(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: a sentence written by a Fail or Pass state
  }
  return cause;
}
