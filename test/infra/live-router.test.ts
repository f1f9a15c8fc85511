import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { liveRouteKey, liveRouteValue, originUrlFor, parseLiveRouteValue } from '../../core/aws/live-route';
import { repoPath } from '../../infra/lambda';

/**
 * Runs `infra/live-router.js` as CloudFront would, against a fake `cloudfront` module: a KVS whose
 * `get` rejects for a missing key (as the real one does) and an `updateRequestOrigin` that records
 * the new origin. Entries are written with `core/aws/live-route.ts`, the code the live task uses, so
 * the two sides of the contract are tested together.
 */
const SOURCE = readFileSync(repoPath('infra/live-router.js'), 'utf8');
const IMPORT = "import cf from 'cloudfront';";

interface Viewer {
  statusCode?: number;
  uri?: string;
}

function loadRouter(entries: Record<string, string>) {
  const origins: { domainName: string }[] = [];
  const cf = {
    kvs: () => ({
      get(key: string, options?: { format?: string }): Promise<unknown> {
        if (!(key in entries)) return Promise.reject(new Error(`The key ${key} does not exist`));
        return Promise.resolve(options?.format === 'json' ? (JSON.parse(entries[key]) as unknown) : entries[key]);
      },
    }),
    updateRequestOrigin: (origin: { domainName: string }) => origins.push(origin),
  };
  expect(SOURCE.startsWith(IMPORT)).toBe(true);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the router is CloudFront Function source with no exports: it runs as CloudFront runs it, its `cloudfront` import given as `cf`
  const load = new Function('cf', `${SOURCE.slice(IMPORT.length)}\nreturn handler;`) as (cloudfront: typeof cf) => (event: unknown) => Promise<Viewer>;
  const handler = load(cf);
  return {
    origins,
    request: (uri: string) => handler({ request: { uri, method: 'GET', querystring: {}, headers: {} } }),
  };
}

const STREAM = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';
const VIEWER_ENDPOINT = 'https://abc123.mediapackage.us-east-1.amazonaws.com/out/v1/9f8e7d/index.m3u8';

describe('live router (CloudFront Function)', () => {
  it('sends a live stream to its MediaPackage origin, at the path core/aws/live-route computes', async () => {
    // Prepare
    const router = loadRouter({ [liveRouteKey(STREAM)]: liveRouteValue(VIEWER_ENDPOINT) });

    // Act
    const request = await router.request(`/live/${STREAM}/index_1.m3u8`);

    // Assess
    expect(router.origins).toEqual([{ domainName: 'abc123.mediapackage.us-east-1.amazonaws.com' }]);
    const expected = new URL(originUrlFor(`/live/${STREAM}/index_1.m3u8`, STREAM, parseLiveRouteValue(liveRouteValue(VIEWER_ENDPOINT)))!);
    expect(request.statusCode).toBeUndefined();
    expect(request.uri).toBe(expected.pathname);
    expect(request.uri).toBe('/out/v1/9f8e7d/index_1.m3u8');
  });

  it('keeps each live stream on its own origin', async () => {
    const router = loadRouter({
      [STREAM]: liveRouteValue(VIEWER_ENDPOINT),
      [OTHER]: liveRouteValue('https://zzz999.mediapackage.eu-west-1.amazonaws.com/out/v1/1234/index.m3u8'),
    });

    const second = await router.request(`/live/${OTHER}/index_3_0.ts`);

    expect(router.origins).toEqual([{ domainName: 'zzz999.mediapackage.eu-west-1.amazonaws.com' }]);
    expect(second.uri).toBe('/out/v1/1234/index_3_0.ts');
  });

  it('answers 404 for a stream that is not live, without touching the origin', async () => {
    const router = loadRouter({ [STREAM]: liveRouteValue(VIEWER_ENDPOINT) });

    const response = await router.request(`/live/${OTHER}/index.m3u8`);

    expect(response.statusCode).toBe(404);
    expect(router.origins).toEqual([]);
  });

  it.each([
    ['a path outside /live/', '/index.m3u8'],
    ['no file after the stream id', `/live/${STREAM}/`],
    ['a stream id that is not 32 hex chars', '/live/not-a-stream/index.m3u8'],
    ['a parent-directory segment', `/live/${STREAM}/../../other/index.m3u8`],
  ])('answers 404 for %s', async (_what, uri) => {
    const router = loadRouter({ [STREAM]: liveRouteValue(VIEWER_ENDPOINT) });

    const response = await router.request(uri);

    expect(response.statusCode).toBe(404);
    expect(router.origins).toEqual([]);
  });

  it('answers 404 for a route value it cannot read, rather than sending the viewer anywhere', async () => {
    const router = loadRouter({ [STREAM]: JSON.stringify({ origin: 'http://plain-http.example.com/out/' }) });

    const response = await router.request(`/live/${STREAM}/index.m3u8`);

    expect(response.statusCode).toBe(404);
    expect(router.origins).toEqual([]);
  });

  it('fits CloudFront Functions’ 10 KB code limit', () => {
    expect(Buffer.byteLength(SOURCE)).toBeLessThan(10 * 1024);
  });
});
