/**
 * A caller of the stream API at `baseUrl` for benchmarks: JSON in and out, and any 4xx/5xx thrown
 * with its body, since a benchmark step that the API refused has nothing to measure.
 */
export function apiCaller(baseUrl: string): (method: string, path: string, body?: unknown) => Promise<any> {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}
