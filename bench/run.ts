/**
 * `npm run bench [name …]`: runs the benchmarks one after another (each alone, so they don't skew
 * each other on a small machine) and prints each one's Markdown table for docs/BENCHMARKS.md.
 * Without names, all of them. Each can also be run alone: `npx tsx bench/{name}.ts [args]`.
 */
import { spawnSync } from 'node:child_process';

const BENCHMARKS = ['local-runtime', 'split', 'connector', 'soak', 'lambda-bundles', 'lifecycle'] as const;

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of asked.length > 0 ? asked : BENCHMARKS) {
  console.log(`\n## ${name}  (npx tsx bench/${name}.ts)\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`bench/${name}.ts failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
