import cf from 'cloudfront';

// Viewer-request function of the live distribution (cloudfront-js-2.0). A live stream's key in the
// KeyValueStore is its id; the value is JSON {"origin": "https://HOST/out/v1/ID/"} written by the
// live task (core/aws/live-route.ts). /live/{id}/{file} goes to {origin}{file}; anything else is a 404.
// Kept small: CloudFront caps function code at 10 KB.

const kvs = cf.kvs();
const LIVE_PATH = /^\/live\/([0-9a-f]{32})\/(.+)$/;
const ORIGIN = /^https:\/\/([^/:]+)(\/.*)?$/;

function notFound() {
  return {
    statusCode: 404,
    statusDescription: 'Not Found',
    headers: { 'cache-control': { value: 'no-store' } },
  };
}

// CloudFront Functions calls `handler` by name: the runtime takes no exports.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- used by the runtime, not by this file
async function handler(event) {
  const request = event.request;
  const path = LIVE_PATH.exec(request.uri);
  if (!path || path[2].split('/').indexOf('..') !== -1) return notFound();

  let route;
  try {
    route = await kvs.get(path[1], { format: 'json' });
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the runtime (ES 5.1 `catch`) has no optional catch binding
  } catch (err) {
    return notFound(); // not live (no such key)
  }
  const origin = route && typeof route.origin === 'string' ? ORIGIN.exec(route.origin) : null;
  if (!origin) return notFound();

  const base = origin[2] || '/';
  cf.updateRequestOrigin({ domainName: origin[1] });
  request.uri = (base.endsWith('/') ? base : base + '/') + path[2];
  return request;
}
