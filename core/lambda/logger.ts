import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/**
 * Where a log line goes instead of Powertools' JSON: its level (`Logger.level`'s numbers, e.g.
 * `LogLevelThreshold.INFO`) and its attributes (`level`, `message`, `timestamp`, the line's own).
 * Called only for lines at or above the logger's level.
 */
export type LogPrinter = (level: number, attributes: Readonly<Record<string, unknown>>) => void;

/**
 * Powertools' Logger, whose output the local runtime may take over ({@link AppLogger.printTo}):
 * the cloud keeps Powertools' JSON lines for CloudWatch, `npm start` prints short lines for a
 * person at a terminal. `printLog` is the extension point Powertools documents for subclasses.
 */
class AppLogger extends Logger {
  #printer: LogPrinter | undefined;

  /** Sends every line to `printer` from now on; `undefined` gives them back to Powertools' JSON. */
  printTo(printer: LogPrinter | undefined): void {
    this.#printer = printer;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.#printer) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    this.#printer(logLevel, log.getAttributes());
  }
}

/**
 * The one logger. Structured JSON in Lambda (Powertools); locally, lines for the operator
 * (`local/log-text.ts`). Never log a record or an SDK input whole: both can hold stream keys. Use
 * {@link redact} on anything that might.
 */
export const logger = new AppLogger({ serviceName: 'frontmaster-live-stream' });
