import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sourceGraph } from '../../../local/source-fingerprint';
import { renderAllWorkflows, type RenderedWorkflows } from '../../../local/stepfunctions/rendered-workflows';
import { loadWorkflows, WORKFLOW_CACHE_FILE } from '../../../local/stepfunctions/workflow-cache';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RENDERER = 'local/stepfunctions/rendered-workflows.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workflow-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A render that says which call made it, counting its calls. */
function countingRender(): { render: () => Promise<RenderedWorkflows>; calls: () => number } {
  let calls = 0;
  return {
    render: () => Promise.resolve({ tasks: [`render ${++calls}`], workflows: [] }),
    calls: () => calls,
  };
}

/**
 * A copy of the renderer's sources (every project file of its import graph, the TypeScript
 * settings, and a manifest with the installed version of each package it imports), to edit.
 */
function copyOfSources(): string {
  const root = join(dir, 'checkout');
  const graph = sourceGraph(REPO_ROOT, [RENDERER, 'tsconfig.json']);
  for (const file of [...graph.files, 'core/aws/store.ts']) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(root, file));
  }
  for (const [name, version] of Object.entries(graph.packages)) {
    mkdirSync(join(root, 'node_modules', name), { recursive: true });
    writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  return root;
}

describe('rendered workflow cache', () => {
  it('renders the first time; the next start runs the cached definitions, the same as a fresh render, without rendering', async () => {
    const file = join(dir, 'workflows.json');
    let renders = 0;
    const render = () => {
      renders++;
      return Promise.resolve(renderAllWorkflows());
    };

    const first = await loadWorkflows({ file, render });
    const second = await loadWorkflows({ file, render });

    expect(renders).toBe(1);
    expect(existsSync(file)).toBe(true);
    expect(second).toEqual(renderAllWorkflows());
    expect(second).toEqual(first);
    expect(second.workflows.map((w) => w.action)).toContain('create');
  });

  it("is kept in the checkout's own cache folder by default", async () => {
    const root = copyOfSources();
    await loadWorkflows({ root, render: countingRender().render });

    expect(existsSync(join(root, WORKFLOW_CACHE_FILE))).toBe(true);
  });

  const CHANGES: [string, (root: string) => void][] = [
    ['a workflow', (root) => appendFileSync(join(root, 'workflows/start.ts'), '\n// a changed poll schedule\n')],
    ['the renderer', (root) => appendFileSync(join(root, 'workflows/render.ts'), '\n// changed\n')],
    ['a core module a workflow imports', (root) => appendFileSync(join(root, 'core/domain/errors.ts'), '\n// changed\n')],
    ['the aws-cdk-lib version', (root) => writeFileSync(join(root, 'node_modules/aws-cdk-lib/package.json'), '{"version":"2.999.0"}')],
    ['the TypeScript settings', (root) => writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions":{"target":"ES2023"}}')],
  ];

  it.each(CHANGES)('renders again after a change to %s, and caches the new render', async (_, change) => {
    const root = copyOfSources();
    const { render, calls } = countingRender();
    await loadWorkflows({ root, render });
    expect((await loadWorkflows({ root, render })).tasks).toEqual(['render 1']);

    change(root);

    expect((await loadWorkflows({ root, render })).tasks).toEqual(['render 2']);
    expect((await loadWorkflows({ root, render })).tasks).toEqual(['render 2']);
    expect(calls()).toBe(2);
  });

  it('does not render again after a change to a file the workflows do not import', async () => {
    const root = copyOfSources();
    const { render, calls } = countingRender();
    await loadWorkflows({ root, render });

    appendFileSync(join(root, 'core/aws/store.ts'), '\n// changed\n');

    expect((await loadWorkflows({ root, render })).tasks).toEqual(['render 1']);
    expect(calls()).toBe(1);
  });

  it('renders instead of using a cache of other sources, or a damaged one', async () => {
    const root = copyOfSources();
    const file = join(dir, 'workflows.json');
    const { render, calls } = countingRender();

    writeFileSync(file, JSON.stringify({ key: 'of other sources', tasks: ['stale'], workflows: [] }));
    expect((await loadWorkflows({ root, file, render })).tasks).toEqual(['render 1']);

    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    expect((await loadWorkflows({ root, file, render })).tasks).toEqual(['render 2']);
    expect(calls()).toBe(2);
  });

  it('uses a render during which a source changed, but does not keep it', async () => {
    const root = copyOfSources();
    const file = join(dir, 'workflows.json');
    let calls = 0;
    const render = () => {
      calls++;
      if (calls === 1) appendFileSync(join(root, 'workflows/stop.ts'), '\n// saved while the runtime started\n');
      return Promise.resolve({ tasks: [`render ${calls}`], workflows: [] });
    };

    expect((await loadWorkflows({ root, file, render })).tasks).toEqual(['render 1']);
    expect(existsSync(file)).toBe(false);
    expect((await loadWorkflows({ root, file, render })).tasks).toEqual(['render 2']);
    expect((await loadWorkflows({ root, file, render })).tasks).toEqual(['render 2']);
  });

  it('starts with a fresh render when the cache cannot be written', async () => {
    const root = copyOfSources();
    writeFileSync(join(dir, 'not-a-directory'), '');
    const { render } = countingRender();

    const rendered = await loadWorkflows({ root, file: join(dir, 'not-a-directory', 'workflows.json'), render });

    expect(rendered.tasks).toEqual(['render 1']);
  });

  it('lets a start with the workflows cached run without loading aws-cdk-lib', async () => {
    await loadWorkflows();
    const fixture = fileURLToPath(new URL('./fixtures/runtime-loads.ts', import.meta.url));

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, join(dir, 'data')], { cwd: REPO_ROOT });

    expect(JSON.parse(stdout)).toEqual({ awsCdkLibLoaded: false });
  });
});
