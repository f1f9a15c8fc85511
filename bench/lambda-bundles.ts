/**
 * Benchmark: each Lambda's bundle size and cold module init, today's (a checkout of the baseline
 * commit) beside this tree's, and what loading source maps would cost.
 *
 * Both trees are synthesized as `cdk synth` does it, with bundling and the stack's own esbuild
 * options (test/infra/bundles.ts); the baseline is a `git worktree` of `--baseline` (default
 * b8e802d, before issue 12) under the temp directory, sharing this tree's node_modules, removed
 * afterwards. Cold init = a fresh Node process imports the bundle until `handler` is there, with
 * the function's own NODE_OPTIONS from the template; median of `--runs` (default 20), the trees
 * and variants taking turns so machine load hits them alike; and this tree's bundles once more with
 * their shipped source map loaded (`--enable-source-maps`). Prints Markdown for docs/BENCHMARKS.md.
 *
 *   npx tsx bench/lambda-bundles.ts [--runs 20] [--all] [--baseline <commit> | --no-baseline]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../infra/lambda';
import { clientsOf, kB, median, metafileOf, synthBundles, type LambdaBundle } from '../test/infra/bundles';
import { CDK_JSON_CONTEXT } from '../test/infra/synth';
import { benchNode, coldInit, type InitSample } from './cold-init';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const RUNS = Number(option('--runs') ?? 20);
const ALL = args.includes('--all');
const BASELINE = args.includes('--no-baseline') ? undefined : (option('--baseline') ?? 'b8e802d');
const API_ENTRY = 'api/handler.ts';

const work = mkdtempSync(join(tmpdir(), 'fmls-bench-bundles-'));
const node = benchNode();

/** A bundle's class, from the client factories its metafile shows it names. */
function classOf(bundle: LambdaBundle): string {
  if (bundle.entry === API_ENTRY) return 'API handler';
  const { services, store } = clientsOf(metafileOf(bundle));
  if (services.length === 0) return store ? 'store only' : 'no AWS client';
  return `${store ? 'store + ' : ''}${services.join(' + ')}`;
}

/** The bundles to time: per class (store only; store + one service; one service alone), the one of median size; the median task; the API. */
function representatives(bundles: readonly LambdaBundle[]): LambdaBundle[] {
  if (ALL) return [...bundles];
  const tasks = bundles.filter((b) => b.entry !== API_ENTRY);
  const nearest = (set: readonly LambdaBundle[], bytes: number) =>
    set.reduce((a, b) => (Math.abs(b.bytes - bytes) < Math.abs(a.bytes - bytes) ? b : a));
  const middleOf = (set: readonly LambdaBundle[]) => nearest(set, median(set.map((b) => b.bytes)));
  const groups = new Map<string, LambdaBundle[]>();
  for (const b of tasks) {
    const { services, store } = clientsOf(metafileOf(b));
    const key = services.length === 0 ? 'store only' : `${store ? 'store + ' : ''}${services.length} service`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const picked = [...groups.values()].map(middleOf);
  picked.push(middleOf(tasks), ...bundles.filter((b) => b.entry === API_ENTRY));
  return [...new Set(picked)].sort((a, b) => a.bytes - b.bytes);
}

/** A worktree of `commit` under `work`, with this tree's node_modules (the baseline's lock file is the same). */
function baselineTree(commit: string): string {
  const dir = join(work, `baseline-${commit}`);
  execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'add', '--detach', dir, commit], { stdio: 'ignore' });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const mapSize = (dir: string) => (existsSync(join(dir, 'index.mjs.map')) ? kB(statSync(join(dir, 'index.mjs.map')).size) : '—');
const ms = (value: number | null) => (value === null ? '—' : value.toFixed(0));
const flags = (nodeOptions: string) => nodeOptions.split(/\s+/).filter(Boolean);

interface Variant {
  readonly dir: string;
  readonly nodeOptions: readonly string[];
  readonly samples: InitSample[];
}

const variant = (dir: string, nodeOptions: readonly string[]): Variant => ({ dir, nodeOptions, samples: [] });

/** Every variant's cold init, `RUNS` times, taking turns. */
function timeAll(variants: readonly Variant[]): void {
  for (let run = 0; run < RUNS; run++) for (const v of variants) v.samples.push(coldInit(node.path, v.dir, v.nodeOptions));
}
const initOf = (v: Variant) => median(v.samples.map((s) => s.init));
const stackOf = (v: Variant) => {
  const stacks = v.samples.map((s) => s.stack).filter((s): s is number => s !== null);
  return stacks.length > 0 ? median(stacks) : null;
};

let baselineRoot: string | undefined;
try {
  const load = loadavg()[0].toFixed(1);
  console.error(`synthesizing this tree (${REPO_ROOT}) with bundling…`);
  const current = await synthBundles(REPO_ROOT, join(work, 'current'), CDK_JSON_CONTEXT);
  let baseline: LambdaBundle[] = [];
  if (BASELINE) {
    baselineRoot = baselineTree(BASELINE);
    console.error(`synthesizing ${BASELINE} (${baselineRoot}) with bundling…`);
    baseline = await synthBundles(baselineRoot, join(work, 'baseline'), CDK_JSON_CONTEXT);
  }
  const picked = representatives(current);
  const rows = picked.map((bundle) => {
    const before = baseline.find((b) => b.entry === bundle.entry);
    return {
      bundle,
      before,
      now: variant(bundle.dir, flags(bundle.nodeOptions)),
      today: before ? variant(before.dir, flags(before.nodeOptions)) : undefined,
      // This tree's bundle with its shipped source map loaded, as `--enable-source-maps` in NODE_OPTIONS would.
      maps: variant(bundle.dir, ['--enable-source-maps']),
    };
  });
  console.error(`timing ${picked.length} bundles × ${RUNS} cold inits per variant on ${node.version}…`);
  timeAll(rows.flatMap((r) => [r.now, r.today, r.maps].filter((v): v is Variant => v !== undefined)));

  const sizes = (set: readonly LambdaBundle[]) => `${kB(Math.min(...set.map((b) => b.bytes)))}–${kB(Math.max(...set.map((b) => b.bytes)))}`;
  const tasksOf = (set: readonly LambdaBundle[]) => set.filter((b) => b.entry !== API_ENTRY);
  console.log(`\nNode ${node.version} (${node.path}), ${RUNS} fresh processes per figure (median), load average ${load} at the start.`);
  console.log(
    `All ${current.length} bundles now: ${sizes(current)}, median task ${kB(median(tasksOf(current).map((b) => b.bytes)))}` +
      (baseline.length > 0 ? `; at ${BASELINE}: ${sizes(baseline)}, median task ${kB(median(tasksOf(baseline).map((b) => b.bytes)))}.` : '.'),
  );
  console.log(`\n| function | class | size at ${BASELINE ?? '—'} | size now | init at ${BASELINE ?? '—'} (ms) | init now (ms) | NODE_OPTIONS now |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.bundle.entry} | ${classOf(r.bundle)} | ${r.before ? kB(r.before.bytes) : '—'} | ${kB(r.bundle.bytes)} | ` +
        `${r.today ? ms(initOf(r.today)) : '—'} | ${ms(initOf(r.now))} | ${r.bundle.nodeOptions || '(none)'} |`,
    );
  }
  console.log('\nSource maps on the bundles now: cold init and the first stack trace of an error thrown inside the bundle (ms), as deployed and with the shipped map loaded.');
  console.log('\n| function | map | init as deployed | init, `--enable-source-maps` | first stack as deployed | first stack, `--enable-source-maps` |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.bundle.entry} | ${mapSize(r.bundle.dir)} | ${ms(initOf(r.now))} | ${ms(initOf(r.maps))} | ${ms(stackOf(r.now))} | ${ms(stackOf(r.maps))} |`,
    );
  }
} finally {
  if (baselineRoot) execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'remove', '--force', baselineRoot], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
