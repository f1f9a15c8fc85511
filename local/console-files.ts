import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from '../console/build';
import { logger } from '../core/lambda/logger';
import { sourceFingerprint } from './source-fingerprint';
import { consoleFileHeaders } from '../console/page-policy';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the console is built from: the entry's import graph (hls.js's version included), the page, its styles and settings. */
const CONSOLE_SOURCES = ['console/build.ts', 'console/main.ts', 'console/index.html', 'console/styles.css', 'console/tsconfig.json', 'tsconfig.json'];
/** Beside the workflows' cache: out of git and emptied by `npm ci`. */
const CACHE_DIR = 'node_modules/.cache/frontmaster-local';
/** Bumped when what a cached build holds changes shape. */
const FORMAT = 1;

/** Media comes from the local media server and S3: other ports of 127.0.0.1. */
const MEDIA_SOURCES = ['http://127.0.0.1:*', 'http://localhost:*'];

export interface StaticFile {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The console's files and the OpenAPI document, by request path (`/`, `/console/…`, `/openapi.json`). */
export interface ConsoleFiles {
  get(path: string): StaticFile | undefined;
}

export interface ConsoleFilesOptions {
  /** The checkout the console is built from (default: this one). */
  root?: string;
  /** Builds the console into a directory (default `console/build.ts`'s). */
  build?: (outdir: string) => Promise<void>;
}

/**
 * The console as the runtime serves it, built with esbuild at start, or taken from the cache when
 * built from exactly the sources there are now (keyed like the workflows' cache). Held in memory,
 * so a later build replacing the cache never changes what a running runtime serves. A build that
 * fails does not stop the runtime (the API is what matters): the page then answers 503 saying why.
 */
export async function loadConsoleFiles(options: ConsoleFilesOptions = {}): Promise<ConsoleFiles> {
  const root = options.root ?? REPO_ROOT;
  const files = new Map<string, StaticFile>();
  const openapi = join(root, 'docs/openapi.json');
  if (existsSync(openapi)) files.set('/openapi.json', file('/openapi.json', readFileSync(openapi)));
  try {
    const dir = await cachedBuild(root, options.build ?? buildConsole);
    files.set('/', file('/', readFileSync(join(dir, 'index.html'))));
    for (const path of filesUnder(join(dir, 'console'))) {
      const served = `/console/${relative(join(dir, 'console'), path).split(sep).join('/')}`;
      files.set(served, file(served, readFileSync(path)));
    }
  } catch (err) {
    const message = `the console failed to build: ${err instanceof Error ? err.message : String(err)}`;
    logger.error('local runtime: the console failed to build; the API works without it', { error: message });
    files.set('/', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: Buffer.from(`${message}\n`) });
  }
  return { get: (path) => files.get(path) };
}

async function cachedBuild(root: string, build: (outdir: string) => Promise<void>): Promise<string> {
  const key = sourceFingerprint(root, CONSOLE_SOURCES, `console build ${FORMAT}`);
  const cache = join(root, CACHE_DIR);
  const dir = join(cache, `console-${key.slice(0, 32)}`);
  if (existsSync(join(dir, 'index.html'))) return dir;
  // Built aside and renamed into place: two runtimes starting at once never serve half a build.
  const temporary = join(cache, `console-${randomUUID()}.tmp`);
  try {
    await build(temporary);
    try {
      renameSync(temporary, dir);
    } catch (err) {
      // Another runtime starting at the same time put the same build there first: use it.
      if (!existsSync(join(dir, 'index.html'))) throw err;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  pruneOtherBuilds(cache, dir);
  return dir;
}

/** Builds of older sources: each runtime holds what it serves in memory, so none is in use. */
function pruneOtherBuilds(cache: string, keep: string): void {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (name.startsWith('console-') && !name.endsWith('.tmp') && path !== keep) rmSync(path, { recursive: true, force: true });
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A file served at `path`, with the headers every server of the console gives it. */
function file(path: string, body: Buffer): StaticFile {
  return { status: 200, headers: consoleFileHeaders(path, MEDIA_SOURCES), body };
}
