import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConsoleFiles } from '../../../local/console-files';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'console-files-'));
  mkdirSync(join(root, 'console'));
  // The sources the build is keyed by (local/console-files.ts): the cache follows their imports.
  writeFileSync(join(root, 'console/main.ts'), 'export {};\n');
  writeFileSync(join(root, 'console/build.ts'), 'export {};\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A build that writes a page and one asset saying which build made them, counting its calls. */
function countingBuild() {
  let calls = 0;
  const build = (outdir: string) => {
    calls += 1;
    mkdirSync(join(outdir, 'console/sub'), { recursive: true });
    writeFileSync(join(outdir, 'index.html'), `<p>build ${calls}</p>`);
    writeFileSync(join(outdir, 'console/sub/a.js'), 'x');
    return Promise.resolve();
  };
  return { build, calls: () => calls };
}

const text = (body: Buffer | undefined) => body?.toString('utf8');

describe('the console files the runtime serves', () => {
  it('are built once per source and served from the cache after', async () => {
    const counting = countingBuild();
    const first = await loadConsoleFiles({ root, build: counting.build });
    expect(text(first.get('/')?.body)).toBe('<p>build 1</p>');
    expect(first.get('/')?.headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(first.get('/console/sub/a.js')?.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(first.get('/console/nope.js')).toBeUndefined();
    expect(first.get('/openapi.json')).toBeUndefined();

    const again = await loadConsoleFiles({ root, build: counting.build });
    expect([counting.calls(), text(again.get('/')?.body)]).toEqual([1, '<p>build 1</p>']);
  });

  it('are rebuilt when a source changes, and the old build is removed', async () => {
    const counting = countingBuild();
    await loadConsoleFiles({ root, build: counting.build });
    writeFileSync(join(root, 'console/main.ts'), 'export const changed = 1;\n');
    const files = await loadConsoleFiles({ root, build: counting.build });
    expect(text(files.get('/')?.body)).toBe('<p>build 2</p>');
    expect(readdirSync(join(root, 'node_modules/.cache/frontmaster-local')).filter((name) => name.startsWith('console-'))).toHaveLength(1);
  });

  it('answer 503 with the reason when the build fails, and still serve the contract', async () => {
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs/openapi.json'), '{"openapi":"3.1.0"}');
    const files = await loadConsoleFiles({ root, build: () => Promise.reject(new Error('esbuild is missing')) });
    expect(files.get('/')?.status).toBe(503);
    expect(text(files.get('/')?.body)).toContain('esbuild is missing');
    expect(text(files.get('/openapi.json')?.body)).toBe('{"openapi":"3.1.0"}');
  });
});
