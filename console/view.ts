import type { ApiClient } from './api-client';

/** What every view is given besides its root and its route's parameters. */
export interface ViewContext {
  api: ApiClient;
  /** Goes to another route (a hash, e.g. from `hrefOf`). */
  navigate(hash: string): void;
}

/** A view: draws into `root`, keeps it live, and returns what stops it (timers, players). */
export type Mount<P> = (root: HTMLElement, params: P, ctx: ViewContext) => () => void;
