import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Node 22 (what Lambda runs, `nodejs22.x`) if this machine has it as `node22`, else the node running the bench. */
export function benchNode(): { path: string; version: string } {
  const found = spawnSync('sh', ['-c', 'command -v node22'], { encoding: 'utf8' }).stdout.trim();
  const path = found || process.execPath;
  return { path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() };
}

// Runs in the fresh process: the time from before `import()` of the bundle until its `handler` is
// there (module init, what a cold start pays before the first invocation), then the time of the
// first error's stack trace from inside the bundle (bad input: `parseTaskInput` throws `Invalid`;
// the API handler answers 4xx without throwing, so it reports no stack time).
const PROBE = `
const url = process.argv[1];
const start = performance.now();
const mod = await import(url);
if (typeof mod.handler !== 'function') throw new Error(url + ' exports no handler');
const init = performance.now() - start;
let stack = null;
try { await mod.handler(undefined, {}); } catch (err) { const t = performance.now(); void err.stack; stack = performance.now() - t; }
process.stdout.write(JSON.stringify({ init, stack }));
`;

export interface InitSample {
  /** ms from `import()` until `handler` is ready. */
  readonly init: number;
  /** ms to format the first error's stack trace (where source maps are applied), or null. */
  readonly stack: number | null;
}

/** One cold module init of `{dir}/index.mjs` in a fresh `node` process started with `nodeOptions`. */
export function coldInit(node: string, dir: string, nodeOptions: readonly string[]): InitSample {
  const run = spawnSync(node, [...nodeOptions, '--input-type=module', '-e', PROBE, pathToFileURL(join(dir, 'index.mjs')).href], {
    encoding: 'utf8',
    // Only what a Lambda's module init reads; no NODE_OPTIONS from the caller.
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench' },
  });
  if (run.status !== 0) throw new Error(`cold init of ${dir} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as InitSample;
}
