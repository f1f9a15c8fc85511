import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { sourceFingerprint, sourceGraph } from '../../../local/source-fingerprint';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RENDERER = 'local/stepfunctions/rendered-workflows.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fingerprint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('source graph', () => {
  it("holds every file and package that esbuild's bundle of the renderer is made of", async () => {
    // esbuild is the oracle: it parses the sources and resolves every import the way tsx runs them.
    const bundle = await build({
      entryPoints: [RENDERER],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    const external = Object.values(bundle.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    const packageOf = (path: string) => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');

    const graph = sourceGraph(REPO_ROOT, [RENDERER]);

    expect(inputs).toContain('workflows/registry.ts');
    expect(graph.files).toEqual(expect.arrayContaining(inputs));
    expect(Object.keys(graph.packages)).toEqual(expect.arrayContaining([...new Set(external.map(packageOf))]));
    expect(graph.packages['aws-cdk-lib']).toMatch(/^2\.\d+\.\d+$/);
  });

  it('follows every import form, and names a package by the version installed nearest to the importer', () => {
    write({
      'entry.ts': [
        "import { a } from './a';",
        "import type { B } from './b.js';",
        "export * from './c';",
        "import './d';",
        "const e = await import('./e');",
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'path';",
        "import { z } from 'zod/mini';",
        "import { Logger } from '@scope/logger';",
      ].join('\n'),
      'a.ts': "export const a = 1; import data from './data.json';",
      'b.ts': 'export type B = string;',
      'c/index.ts': 'export const c = 1;',
      'd.ts': 'export {};',
      'e.mts': 'export const e = 1;',
      'data.json': '{}',
      'node_modules/zod/package.json': '{"version":"4.0.0"}',
      'node_modules/@scope/logger/package.json': '{"version":"1.2.3"}',
    });

    const graph = sourceGraph(dir, ['entry.ts']);

    expect(graph.files).toEqual(['a.ts', 'b.ts', 'c/index.ts', 'd.ts', 'data.json', 'e.mts', 'entry.ts']);
    expect(graph.packages).toEqual({ '@scope/logger': '1.2.3', zod: '4.0.0' });
  });

  it("changes with a file's text, a missing file and a package's version, and not with a file outside the graph", () => {
    write({
      'entry.ts': "import './a'; import 'pkg';",
      'a.ts': 'export const a = 1;',
      'unrelated.ts': 'export const u = 1;',
      'node_modules/pkg/package.json': '{"version":"1.0.0"}',
    });
    const digest = () => sourceFingerprint(dir, ['entry.ts'], 'salt');
    const seen = [digest()];

    write({ 'unrelated.ts': 'export const u = 2;' });
    expect(digest()).toBe(seen[0]);

    write({ 'a.ts': 'export const a = 2;' });
    seen.push(digest());
    write({ 'node_modules/pkg/package.json': '{"version":"1.0.1"}' });
    seen.push(digest());
    rmSync(join(dir, 'a.ts'));
    seen.push(digest());

    expect(new Set(seen).size).toBe(seen.length);
    expect(sourceFingerprint(dir, ['entry.ts'], 'other salt')).not.toBe(seen.at(-1));
  });
});
