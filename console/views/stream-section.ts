import type { ApiClient } from '../api-client';
import type { StreamRecord } from '../types';

/** One part of the stream view: drawn once, brought up to date at every refresh of the record. */
export interface StreamSection {
  element: HTMLElement;
  update(record: StreamRecord): void;
  /** Stops what it runs (a player); the view calls it on unmount. */
  stop?(): void;
}

/** What a section is given: the API, and how to ask the view for a refresh right after an action. */
export interface SectionContext {
  api: ApiClient;
  streamId: string;
  refresh(): void;
}

/** The stream's path under the API, `id` encoded. */
export function streamPath(id: string, rest = ''): string {
  return `/streams/${encodeURIComponent(id)}${rest}`;
}
