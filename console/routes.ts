/**
 * The console's hash routes (`#/…`), parsed and built in one place so a link and the router
 * cannot disagree. Pure: no DOM, so it is unit-tested under Node.
 */
export type Route =
  | { view: 'streams' }
  | { view: 'stream'; id: string }
  | { view: 'recording'; id: string; sessionId: string }
  | { view: 'execution'; id: string; executionId: string }
  | { view: 'not-found'; hash: string };

/** The route a `location.hash` names; `""` and `#/` are the streams list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { view: 'streams' };
  const parts = path.replace(/^\//, '').replace(/\/$/, '').split('/');
  let segments: string[];
  try {
    segments = parts.map((part) => decodeURIComponent(part));
  } catch {
    return { view: 'not-found', hash };
  }
  const [first, id, kind, child] = segments;
  if (first !== 'streams' || id === undefined || id === '') return { view: 'not-found', hash };
  if (segments.length === 2) return { view: 'stream', id };
  if (segments.length === 4 && child !== '') {
    if (kind === 'recordings') return { view: 'recording', id, sessionId: child };
    if (kind === 'executions') return { view: 'execution', id, executionId: child };
  }
  return { view: 'not-found', hash };
}

/** The `href` of a route (segments encoded: an execution id is an ARN, full of `:`). */
export function hrefOf(route: Exclude<Route, { view: 'not-found' }>): string {
  switch (route.view) {
    case 'streams':
      return '#/';
    case 'stream':
      return `#/streams/${encodeURIComponent(route.id)}`;
    case 'recording':
      return `#/streams/${encodeURIComponent(route.id)}/recordings/${encodeURIComponent(route.sessionId)}`;
    case 'execution':
      return `#/streams/${encodeURIComponent(route.id)}/executions/${encodeURIComponent(route.executionId)}`;
  }
}
