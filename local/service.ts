/**
 * A local stand-in for one AWS service, answering the SDK v3 commands the project uses.
 *
 * `local/aws-binding.ts` attaches a service to a real SDK client (an `initialize`-step middleware
 * on the client's stack), so tasks send real `Command` objects and get real output shapes; only
 * the transport differs. `handle` receives the command's name (e.g. `CreateChannelCommand`) and
 * its input, and returns the command's output (without `$metadata`, which the binding adds).
 *
 * Failures are thrown as the client package's own exception classes (e.g.
 * `new NotFoundException({ message, $metadata: {} })` from `@aws-sdk/client-medialive`), so the
 * tasks' error translation (`core/aws/calls.ts`) sees exactly what it sees in the cloud. A command a
 * service does not implement fails with {@link NotAvailableLocally}.
 */
export interface LocalService {
  /** The service's name in messages, e.g. `MediaLive`. */
  readonly serviceName: string;
  handle(commandName: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export class NotAvailableLocally extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 501 };
  constructor(serviceName: string, commandName: string) {
    super(`${serviceName} ${commandName.replace(/Command$/, '')} is not available locally`);
    this.name = 'NotAvailableLocally';
  }
}

/** A {@link LocalService} built from a table of command handlers; anything else is not available. */
export function serviceFromHandlers(
  serviceName: string,
  handlers: Record<string, (input: any) => Promise<Record<string, unknown>> | Record<string, unknown>>,
): LocalService {
  return {
    serviceName,
    async handle(commandName, input) {
      const handler = handlers[commandName];
      if (!handler) throw new NotAvailableLocally(serviceName, commandName);
      return handler(input);
    },
  };
}
