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
  handle(commandName: string, input: object): Promise<object>;
}

export class NotAvailableLocally extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 501 };
  constructor(serviceName: string, commandName: string) {
    super(`${serviceName} ${commandName.replace(/Command$/, '')} is not available locally`);
    this.name = 'NotAvailableLocally';
  }
}

/**
 * What an SDK v3 command class is at the type level: its instances carry the `input` and a
 * handler resolving to the `output` (smithy's `CommandIO`, which is internal, so restated here).
 */
type CommandClass = abstract new (...args: never[]) => {
  readonly input: object;
  resolveMiddleware(...args: never[]): (args: never) => Promise<{ output: object }>;
};

/** The input of a command class, e.g. `CommandInput<typeof StartChannelCommand>` = `StartChannelCommandInput`. */
export type CommandInput<C extends CommandClass> = InstanceType<C>['input'];

/** The output a stand-in returns for a command class: the SDK's `…CommandOutput` without the `$metadata` the binding adds. */
export type CommandOutput<C extends CommandClass> =
  ReturnType<InstanceType<C>['resolveMiddleware']> extends (args: never) => Promise<{ output: infer O }>
    ? Omit<O, '$metadata'>
    : never;

/**
 * A handler per command of one client package, keyed by the command's class name (what the SDK
 * puts in the middleware context). `Client` is the package's module type
 * (`typeof import('@aws-sdk/client-medialive')`), so a handler gets its command's own input type
 * and must return its output type, and a misspelt command name does not compile.
 */
export type CommandHandlers<Client> = {
  [Name in keyof Client as Client[Name] extends CommandClass ? Name : never]?: Client[Name] extends CommandClass
    ? (input: CommandInput<Client[Name]>) => Promise<CommandOutput<Client[Name]>> | CommandOutput<Client[Name]>
    : never;
};

/** A {@link LocalService} built from a table of command handlers; anything else is not available. */
export function serviceFromHandlers<Client>(serviceName: string, handlers: CommandHandlers<Client>): LocalService {
  // The binding dispatches on the command's name at run time, where each handler's input type is
  // the one the SDK built the command with; one view of the table keyed by plain names serves it.
  const byName = new Map(Object.entries(handlers) as [string, (input: object) => Promise<object> | object][]);
  return {
    serviceName,
    async handle(commandName, input) {
      const handler = byName.get(commandName);
      if (!handler) throw new NotAvailableLocally(serviceName, commandName);
      return handler(input);
    },
  };
}
