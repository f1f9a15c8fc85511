import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * The repository stands alone: what its comments and docs point at is in it. A path that names a
 * file of one of the project's folders must exist, a markdown link must resolve, and nothing may
 * lean on a document kept elsewhere (a design or contract file beside the checkout, a workspace
 * path).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', '.local', '.bench', 'coverage']);
const TEXT = /\.(ts|js|md|json|sh)$|(^|\/)Dockerfile$/;
/** Generated from the code; what they say is checked by their own tests. */
const GENERATED = new Set(['package-lock.json', 'docs/openapi.json']);
const FOLDERS = 'api|core|tasks|workflows|infra|local|connector|test|bench|docs|types';
const REPO_PATH = new RegExp(`(?<![\\w./-])(?:${FOLDERS})/[\\w./-]+\\.(?:ts|js|md|json|sh)\\b`, 'g');
/** Paths that are data, not references: `test/workflows/contract.test.ts` expects messages about a made-up task. */
const NOT_REFERENCES = new Set(['tasks/task.ts']);

function textFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (TEXT.test(path)) {
        const name = relative(ROOT, path);
        if (!GENERATED.has(name)) files.push(name);
      }
    }
  };
  walk(ROOT);
  return files.sort();
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('references in comments and docs', () => {
  const files = textFiles();

  it('name only files of this repository', () => {
    const missing = files.flatMap((file) =>
      [...read(file).matchAll(REPO_PATH)]
        .map(([path]) => path)
        .filter((path) => !path.includes('{') && !NOT_REFERENCES.has(path) && !existsSync(join(ROOT, path)))
        .map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('link markdown only to files that exist', () => {
    const broken = files
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) =>
        // Code spans are left out: a pattern in one can look like a link.
        [...read(file).replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
          .map(([, target]) => target)
          .filter((target) => !/^[a-z]+:/.test(target) && !existsSync(join(ROOT, dirname(file), target)))
          .map((target) => `${file}: ${target}`),
      );
    expect(broken).toEqual([]);
  });

  it('lean on no document kept outside the repository', () => {
    const outside = [
      /\bDESIGN\.md\b/,
      /\bseed\/\S+/,
      /(?<![\w}./-])\/work\//,
      // The contract here is docs/API.md; a bare name for it outside docs/ means a copy kept elsewhere.
      /(?<![\w/.-])API\.md\b/,
    ];
    const found = files.flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) =>
          outside
            .filter((pattern) => pattern.test(line) && !(file.startsWith('docs/') && pattern.source.includes('API')))
            .map(() => `${file}:${i + 1}: ${line.trim()}`),
        ),
    );
    expect(found).toEqual([]);
  });
});
