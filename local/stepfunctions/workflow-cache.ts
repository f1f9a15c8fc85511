import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../../core/lambda/logger';
import { sourceFingerprint } from '../source-fingerprint';
import type { RenderedWorkflows } from './rendered-workflows';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The module that renders; its import graph (workflows/, the core modules they import, aws-cdk-lib …) is what the cache is keyed by. */
const RENDER_MODULE = 'local/stepfunctions/rendered-workflows.ts';
/** Bumped when what the cache file holds changes shape. */
const FORMAT = 1;
/** Where tools keep their caches: out of git (node_modules is ignored) and emptied by `npm ci`. */
export const WORKFLOW_CACHE_FILE = 'node_modules/.cache/frontmaster-local/workflows.json';

export interface WorkflowCacheOptions {
  /** The checkout whose sources are rendered (default: this one). */
  root?: string;
  /** The cache file (default {@link WORKFLOW_CACHE_FILE} under `root`). */
  file?: string;
  /** Renders every workflow (default: {@link RENDER_MODULE}'s, which loads aws-cdk-lib). */
  render?: () => Promise<RenderedWorkflows>;
}

interface CacheFile extends RenderedWorkflows {
  key: string;
}

/**
 * Every workflow rendered to ASL, from the cache when it was rendered from exactly the sources
 * there are now, else rendered afresh and cached. Rendering loads aws-cdk-lib, most of a second of
 * every start (docs/BENCHMARKS.md); the key is a digest of every file in the renderer's import graph, the installed version
 * of every package it imports (aws-cdk-lib's included) and the TypeScript settings, so any
 * change to what shapes the ASL renders again. A cache that can't be written only costs the
 * next start its render.
 */
export async function loadWorkflows(options: WorkflowCacheOptions = {}): Promise<RenderedWorkflows> {
  const root = options.root ?? REPO_ROOT;
  const file = options.file ?? join(root, WORKFLOW_CACHE_FILE);
  const key = cacheKey(root);
  const cached = readCache(file);
  if (cached?.key === key) return { tasks: cached.tasks, workflows: cached.workflows };

  const rendered = await (options.render ?? renderFromSources)();
  // A source edited while rendering may or may not be in the result: such a render is used once, not kept.
  if (cacheKey(root) === key) writeCache(file, { key, ...rendered });
  return rendered;
}

function cacheKey(root: string): string {
  return sourceFingerprint(root, [RENDER_MODULE, 'tsconfig.json'], `workflow cache ${FORMAT}`);
}

async function renderFromSources(): Promise<RenderedWorkflows> {
  const { renderAllWorkflows } = await import('./rendered-workflows');
  return renderAllWorkflows();
}

function readCache(file: string): CacheFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    return typeof parsed.key === 'string' && Array.isArray(parsed.tasks) && Array.isArray(parsed.workflows) ? (parsed as CacheFile) : undefined;
  } catch {
    // None yet, or unreadable: render.
    return undefined;
  }
}

/** Written whole to a file of its own and renamed over the old one: two runtimes starting at once never read half a cache. */
function writeCache(file: string, content: CacheFile): void {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, JSON.stringify(content));
    renameSync(temporary, file);
  } catch (err) {
    removeIfThere(temporary);
    logger.warn('local runtime: could not cache the rendered workflows; the next start renders them again', { file, error: String(err) });
  }
}

function removeIfThere(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Its directory could not be made either: nothing was written.
  }
}
