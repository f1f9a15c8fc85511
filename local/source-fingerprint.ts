import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/** What the code reachable from some entry files is made of. */
export interface SourceGraph {
  /** Every project file in the import graph, relative to the root, sorted. */
  readonly files: readonly string[];
  /** Every package those files import → its installed version (`missing` if none is installed). */
  readonly packages: Readonly<Record<string, string>>;
}

/**
 * Every specifier of an `import … from`, `export … from`, side-effect `import '…'`, `import('…')`
 * or `require('…')`. Read as text, not parsed: a type-only import or one in a comment is counted
 * too, which costs at most a needless re-render of what the graph feeds, never a stale one.
 */
const SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]([^'"\n]+)['"]/g;
/** Files whose imports are followed; anything else reached (JSON) is part of the graph as text only. */
const CODE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/;
/** How a relative specifier names a file: as written, without its extension, or `.js` for `.ts`. */
const CANDIDATES = (base: string) => [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}/index.ts`, base.replace(/\.(m?)js$/, '.$1ts')];

/** The project files and packages that `entries` (paths relative to `root`) import, transitively. */
export function sourceGraph(root: string, entries: readonly string[]): SourceGraph {
  const files = new Set<string>();
  const packages: Record<string, string> = {};
  const pending = entries.map((entry) => resolve(root, entry));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    if (!CODE.test(file)) continue;
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (specifier.startsWith('.')) {
        const base = resolve(dirname(file), specifier);
        // An import that names no file fails wherever it runs; its absence is part of the graph.
        const found = CANDIDATES(base).find(isFile) ?? base;
        pending.push(found);
      } else if (!isBuiltin(specifier)) {
        const name = packageName(specifier);
        packages[name] ??= installedVersion(dirname(file), name);
      }
    }
  }
  return {
    files: [...files].map((file) => relative(root, file)).sort(),
    packages: Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * A digest of the graph of `entries`: each file's path and text (a missing one as missing), each
 * package's version, and `salt` (what else shapes the result, e.g. a format version). Equal
 * digests mean the same code, so a result derived from it may be reused.
 */
export function sourceFingerprint(root: string, entries: readonly string[], salt: string): string {
  const graph = sourceGraph(root, entries);
  const hash = createHash('sha256').update(`${salt}\0`);
  for (const file of graph.files) {
    const path = join(root, file);
    hash.update(`${file}\0${isFile(path) ? readFileSync(path, 'utf8') : '(missing)'}\0`);
  }
  for (const [name, version] of Object.entries(graph.packages)) hash.update(`${name}@${version}\0`);
  return hash.digest('hex');
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The version Node's resolution would load from `dir`: the first `node_modules/{name}` up the tree. */
function installedVersion(dir: string, name: string): string {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
    if (dirname(at) === at) return 'missing';
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
