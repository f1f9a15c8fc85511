/**
 * Builds the console into static files: `{outdir}/index.html` and `{outdir}/console/*` (the
 * bundle, its lazily loaded chunks, the stylesheet and a same-origin `config.json`). The same
 * files serve locally (local/console-files.ts) and from any static host in front of the API.
 * `npm run console:build` writes `dist/console/`.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CONSOLE_DIR = fileURLToPath(new URL('.', import.meta.url));
/** The browsers the console supports: evergreen ones with ES modules and Media Source Extensions. */
const TARGET = ['chrome111', 'firefox115', 'safari16.4', 'edge111'];

export async function buildConsole(outdir: string): Promise<void> {
  const assets = join(outdir, 'console');
  await mkdir(assets, { recursive: true });
  await build({
    entryPoints: [join(CONSOLE_DIR, 'main.ts')],
    outdir: assets,
    bundle: true,
    // Splitting: hls.js, most of the bytes, is a chunk of its own loaded only by a view that plays.
    splitting: true,
    format: 'esm',
    minify: true,
    target: TARGET,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    tsconfig: join(CONSOLE_DIR, 'tsconfig.json'),
    legalComments: 'linked',
    logLevel: 'silent',
  });
  await copyFile(join(CONSOLE_DIR, 'index.html'), join(outdir, 'index.html'));
  await copyFile(join(CONSOLE_DIR, 'styles.css'), join(assets, 'styles.css'));
  await writeFile(join(assets, 'config.json'), `${JSON.stringify({ apiBase: '' })}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? 'dist/console');
  await buildConsole(outdir);
  process.stdout.write(`console built into ${outdir}\n`);
}
