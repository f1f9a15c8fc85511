import { statuses, type StateHandler } from './harness';

/** The harness's poll Describe handler plus the `source` the real describe-connector always reports. */
export function connectorStatuses(...sequence: string[]): StateHandler {
  const next = statuses(...sequence);
  return async (input) => ({ ...((await next(input)) as object), source: 'test_pattern' });
}
