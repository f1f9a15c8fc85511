import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../infra/lambda';
import { biggestInputs, clientsOf, kB, median, metafileOf, synthBundles, type LambdaBundle } from './bundles';
import { expectWithMessage } from '../fixtures/expect-with-message';
import { CDK_JSON_CONTEXT } from './synth';

// The budgets of issue 12, in bytes of index.mjs (kB = 1000 bytes). A size is deterministic, so it
// is tested; a cold-init time is not, so it stays in bench/lambda-bundles.ts.
const API_BUDGET = 800_000;
const STORE_ONLY_BUDGET = 400_000;
const ONE_SERVICE_BUDGET = 650_000;
const MEDIAN_TASK_BUDGET = 500_000;

const API_ENTRY = 'api/handler.ts';
/**
 * Tasks that must talk to several AWS services, each with its own budget and why. The reconciler
 * (issue 13) compares MediaLive's channels and ECS's connector tasks with the records and publishes
 * its finding to CloudWatch in one sweep: split, its parts would each re-read every record and
 * could disagree on what they saw. Held to the one-service budget.
 */
const MULTI_SERVICE_BUDGETS: Readonly<Record<string, number>> = { 'tasks/reconcile.ts': ONE_SERVICE_BUDGET };

/** A bundle's budget, by what its metafile says it names: the API, the store alone, or one AWS service (with or without the store). */
function budgetOf(bundle: LambdaBundle): { label: string; bytes: number } {
  if (bundle.entry === API_ENTRY) return { label: 'the API handler', bytes: API_BUDGET };
  const { services } = clientsOf(metafileOf(bundle));
  if (services.length === 0) return { label: 'a task that talks to the store only, or to nothing', bytes: STORE_ONLY_BUDGET };
  if (services.length === 1) return { label: `a task with one AWS service (${services[0]}) and the store or not`, bytes: ONE_SERVICE_BUDGET };
  const own = MULTI_SERVICE_BUDGETS[bundle.entry];
  if (own !== undefined) return { label: `a task with ${services.length} AWS services (${services.join(', ')}) and a budget of its own`, bytes: own };
  return { label: `a task with ${services.length} AWS services (${services.join(', ')}): no budget covers it, split the task or set one`, bytes: 0 };
}

describe('Lambda bundle sizes (cdk synth with bundling, the stack\'s own esbuild options)', () => {
  let workdir: string;
  let bundles: LambdaBundle[];

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'fmls-bundles-'));
    bundles = await synthBundles(REPO_ROOT, workdir, CDK_JSON_CONTEXT);
  }, 180_000); // one esbuild run per Lambda (40), ~25 s on 2 shared cores

  afterAll(() => {
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('bundles every task file and the API handler', () => {
    // Assess: the stack deploys one Lambda per tasks/*.ts, so none escapes the budgets below
    const tasks = readdirSync(join(REPO_ROOT, 'tasks')).filter((f) => f.endsWith('.ts')).map((f) => `tasks/${f}`);
    expect(bundles.map((b) => b.entry).sort()).toEqual([API_ENTRY, ...tasks].sort());
  });

  it('bundles the SDK clients its handler names and no other', () => {
    // Assess: an SDK client package in a bundle that none of its named factories imports is
    // dead weight (e.g. a value import of core/aws/services.ts would bring all of them)
    const unnamed = bundles
      .map((b) => ({ entry: b.entry, unnamed: clientsOf(metafileOf(b)).unnamed }))
      .filter((b) => b.unnamed.length > 0);
    expect(unnamed).toEqual([]);
  });

  it('keeps each bundle within the budget of its class', () => {
    // Assess
    const over = bundles
      .map((b) => ({ bundle: b, budget: budgetOf(b) }))
      .filter(({ bundle, budget }) => bundle.bytes > budget.bytes)
      .map(
        ({ bundle, budget }) =>
          `${bundle.entry}: ${kB(bundle.bytes)} > ${kB(budget.bytes)} (${budget.label}); biggest inputs: ${biggestInputs(metafileOf(bundle))}`,
      );
    expect(over).toEqual([]);
  });

  it(`keeps the median task bundle within ${kB(MEDIAN_TASK_BUDGET)}`, () => {
    // Assess
    const tasks = bundles.filter((b) => b.entry !== API_ENTRY);
    const middle = median(tasks.map((b) => b.bytes));
    const nearest = tasks.reduce((a, b) => (Math.abs(b.bytes - middle) < Math.abs(a.bytes - middle) ? b : a));
    expectWithMessage(
      middle,
      `median task bundle ${kB(middle)} > ${kB(MEDIAN_TASK_BUDGET)}; nearest it, ${nearest.entry}: ${biggestInputs(metafileOf(nearest))}`,
    ).toBeLessThanOrEqual(MEDIAN_TASK_BUDGET);
  });
});
