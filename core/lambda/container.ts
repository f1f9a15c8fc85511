import type { Services } from '../aws/services';
import { loadConfig, type Config } from './config';

/**
 * `make`'s value, made on first call and kept for the life of the Lambda container (a container
 * runs one function, so it has one configuration and one client per service).
 */
export function perContainer<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** The container's configuration, read from its environment on first use (so a bad setting fails an invocation, not the module's import). */
export const containerConfig = perContainer((): Config => loadConfig());

/** What every Lambda gets without naming it: its configuration and the clock. */
type Provided = 'config' | 'now';

/**
 * The factory of each client a Lambda talks to (`core/aws/clients/*.ts`), by its `Services` key.
 * Naming the factories here is what puts a client's SDK package in the bundle; `D` is the Lambda's
 * `Pick<Services, …>`, so a missing client, an extra one or the wrong one is a compile error.
 */
export type ClientFactories<D extends Partial<Services>> = { [K in Exclude<keyof D, Provided>]-?: () => D[K] };

/** `D` built from `clients` on first call, once per container, with the container's config and clock. */
export function containerDeps<D extends Partial<Services>>(clients: ClientFactories<D>): () => D {
  return perContainer(() => {
    const built = Object.fromEntries(Object.entries<() => unknown>(clients).map(([key, make]) => [key, make()]));
    return { ...built, config: containerConfig(), now: () => new Date() } as unknown as D;
  });
}
