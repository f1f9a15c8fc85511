import { randomUUID } from 'node:crypto';
import type { LocalService } from './service';

/** What the binding needs of an SDK v3 client: its middleware stack. */
interface SdkClient {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

interface InitializeArgs {
  input: Record<string, unknown>;
}

const BINDING_NAME = 'localServiceBinding';

/**
 * Binds `service` to a real SDK v3 client: an `initialize`-step middleware answers every command
 * with the service's output (plus the `$metadata` the SDK would attach) and never calls the rest
 * of the stack, so nothing is serialized, signed or sent. Callers keep sending real `Command`
 * objects and get real output shapes and the client's own exception classes.
 *
 * Input and output are deep-copied, as a round trip over the wire would: a service can never
 * alias a caller's objects, and a caller mutating an output can't change the service's state.
 */
export function bindLocalService<C extends SdkClient>(client: C, service: LocalService): C {
  client.middlewareStack.add(
    (_next: unknown, context: { commandName?: string }) => async (args: InitializeArgs) => {
      const commandName = context.commandName ?? 'UnknownCommand';
      const output = await service.handle(commandName, structuredClone(args.input ?? {}));
      const $metadata = { httpStatusCode: 200, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
      return { output: { ...structuredClone(output), $metadata }, response: undefined };
    },
    { step: 'initialize', name: BINDING_NAME, priority: 'high', override: true },
  );
  return client;
}
