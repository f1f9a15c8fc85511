import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { closeHttpServer, listenOnLoopback } from '../loopback';

/**
 * The media HTTP server on 127.0.0.1: the local MediaPackage origin and the local live
 * distribution.
 *
 * - `/out/v1/{endpointId}/index.m3u8` and the segments and keys it names: a channel's live HLS.
 * - `/live/{stream_id}/…`: the same, only while the control plane says the stream is live
 *   (`liveLookup`, the local CloudFront KeyValueStore's view), like the live distribution.
 *
 * Only the files a player needs are served (the playlist, `segments/*.ts`, `keys/*.key`), never
 * the pipelines' own files. CORS is open, so a browser player on any page can play.
 */
export type LiveLookup = (streamId: string) => { endpointId: string } | undefined;

export interface MediaHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

const ID = '[A-Za-z0-9_-]{1,128}';
const OUT_PATH = new RegExp(`^/out/v1/(${ID})/(.+)$`);
const LIVE_PATH = new RegExp(`^/live/(${ID})/(.+)$`);
const SERVED_FILES: readonly { pattern: RegExp; type: string; cache: string }[] = [
  // Playlists change every segment: never cached.
  { pattern: /^index\.m3u8$/, type: 'application/vnd.apple.mpegurl', cache: 'no-cache' },
  { pattern: /^segments\/[A-Za-z0-9_-]+\.ts$/, type: 'video/MP2T', cache: 'max-age=86400' },
  { pattern: /^keys\/[A-Za-z0-9_-]+\.key$/, type: 'application/octet-stream', cache: 'max-age=86400' },
];

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, Content-Type, Origin, Accept',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range',
  'Access-Control-Max-Age': '600',
};

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  res.end(`${message}\n`);
}

/** `{endpointId, file}` a request asks for, or why not. */
function route(path: string, liveLookup: LiveLookup): { endpointId: string; file: string } | string {
  const out = OUT_PATH.exec(path);
  if (out) return { endpointId: out[1], file: out[2] };
  const live = LIVE_PATH.exec(path);
  if (live) {
    const target = liveLookup(live[1]);
    return target ? { endpointId: target.endpointId, file: live[2] } : 'this stream is not live';
  }
  return 'not found';
}

async function serve(root: string, req: IncomingMessage, res: ServerResponse, liveLookup: LiveLookup): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS_HEADERS);
    res.end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD, OPTIONS');
    reply(res, 405, 'method not allowed');
    return;
  }
  const path = new URL(req.url ?? '/', 'http://media').pathname;
  const target = route(path, liveLookup);
  if (typeof target === 'string') return reply(res, 404, target);
  const kind = SERVED_FILES.find((k) => k.pattern.test(target.file));
  if (!kind) return reply(res, 404, 'not found');
  const file = join(root, target.endpointId, target.file);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return reply(res, 404, 'not found');
  res.writeHead(200, { ...CORS_HEADERS, 'Content-Type': kind.type, 'Content-Length': info.size, 'Cache-Control': kind.cache });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A segment may be deleted as it leaves the window while we send it: the open file still reads.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

export async function startMediaHttpServer(options: { port: number; root: string; liveLookup: LiveLookup }): Promise<MediaHttpServer> {
  const server = createServer((req, res) => {
    serve(options.root, req, res, options.liveLookup).catch(() => {
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    port,
    close: () => closeHttpServer(server),
  };
}
