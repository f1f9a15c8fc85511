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
export function failureMessage(failure: CaughtFailure): string {
  let text = failure.Error;
  if (failure.Cause) {
    text = `${failure.Error}: ${failure.Cause}`;
    try {
      const parsed = JSON.parse(failure.Cause) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') text = `${failure.Error}: ${parsed.errorMessage}`;
    } catch {
      // not JSON: a sentence written by a state
    }
  }
  return redactText(text).slice(0, 1024);
}
