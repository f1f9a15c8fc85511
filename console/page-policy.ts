/**
 * How the console's files are served, wherever they are (the local runtime, `fmls console`): their
 * content types, headers, and the page's Content-Security-Policy.
 */

/** Content types of the files `console/build.ts` writes. */
const CONSOLE_FILE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * The page may load only its own scripts and styles and call only its own origin; it plays HLS
 * from `mediaSources` through Media Source Extensions (`blob:`) and hls.js's worker, and hls.js
 * reads a recording's playlist from a `blob:` URL (the recording view fetched it through the API
 * client). No page may frame it (a click-jacked Delete).
 */
export function consolePagePolicy(mediaSources: readonly string[]): string {
  const media = ['blob:', ...mediaSources].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${media}`,
    `media-src 'self' ${media}`,
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The headers of a console file served at `path`, wherever it is served: every file is
 * revalidated (a rebuilt console is picked up by a reload, never a stale bundle) and never
 * sniffed; the page (`/`) also carries its Content-Security-Policy and sends no referrer.
 */
export function consoleFileHeaders(path: string, mediaSources: readonly string[]): Record<string, string> {
  const isPage = path === '/';
  const extension = isPage ? '.html' : (/\.[^./]+$/.exec(path)?.[0] ?? '');
  const headers: Record<string, string> = {
    'Content-Type': CONSOLE_FILE_TYPES[extension] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  return isPage ? { ...headers, 'Content-Security-Policy': consolePagePolicy(mediaSources), 'Referrer-Policy': 'no-referrer' } : headers;
}
