import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import type { Metafile } from 'esbuild';
import { z } from 'zod';

/** One Lambda's bundle as `cdk synth` wrote it. */
export interface LambdaBundle {
  /** The function's entry file, e.g. `tasks/delete-input.ts` (its role says `Runs {entry}`). */
  readonly entry: string;
  /** The asset directory: `index.mjs`, and `index.mjs.map` / `index.meta.json` where the stack writes them. */
  readonly dir: string;
  /** Size of `index.mjs`, the code Lambda loads. */
  readonly bytes: number;
  /** The function's `NODE_OPTIONS` (b8e802d set `--enable-source-maps`), `''` if unset. */
  readonly nodeOptions: string;
}

const Template = z.object({
  Resources: z.record(
    z.string(),
    z.looseObject({
      Type: z.string(),
      Properties: z
        .looseObject({
          Role: z.unknown().optional(),
          Description: z.string().optional(),
          Environment: z.looseObject({ Variables: z.record(z.string(), z.unknown()).optional() }).optional(),
        })
        .optional(),
      Metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
const RoleArn = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) });

/**
 * Synthesizes the stack of the checkout at `root` (this repository, or a worktree of another
 * commit with the same `node_modules`) WITH bundling, the stack's own esbuild options, into
 * `{workdir}/cdk.out`, offline, and returns every Lambda bundle it made.
 * `aws:cdk:enable-asset-metadata` is what the CDK CLI sets: it names each function's asset
 * directory in the template.
 *
 * CDK runs the project's esbuild as `npx --no-install esbuild …`, once per function: npm's own
 * start-up (~1 s) then costs more than esbuild's work. For this synth only, `PATH` leads to a
 * stand-in `npx` that runs `{root}/node_modules/.bin/esbuild` with the same arguments and refuses
 * any other command, so the bundles are the same and the synth takes a third of the time.
 */
export async function synthBundles(root: string, workdir: string, context: Record<string, unknown>): Promise<LambdaBundle[]> {
  const { LiveStreamStack } = (await import(pathToFileURL(join(root, 'infra/stack.ts')).href)) as {
    LiveStreamStack: new (scope: App, id: string) => Stack;
  };
  const outdir = join(workdir, 'cdk.out');
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { ...context, 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = new LiveStreamStack(app, 'FrontMasterLiveStream');
  const assembly = withDirectEsbuild(root, join(workdir, 'bin'), () => app.synth());
  const resources = Template.parse(assembly.getStackByName(stack.stackName).template).Resources;
  const bundles: LambdaBundle[] = [];
  for (const resource of Object.values(resources)) {
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof asset !== 'string') continue;
    const role = resources[RoleArn.parse(resource.Properties?.Role)['Fn::GetAtt'][0]];
    const entry = /^Runs (\S+)$/.exec(role?.Properties?.Description ?? '')?.[1];
    if (!entry) continue; // not a projectFunction (a CDK-provided handler)
    const dir = join(outdir, asset);
    const nodeOptions = resource.Properties?.Environment?.Variables?.NODE_OPTIONS;
    bundles.push({
      entry,
      dir,
      bytes: statSync(join(dir, 'index.mjs')).size,
      nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : '',
    });
  }
  return bundles.sort((a, b) => a.entry.localeCompare(b.entry));
}

/** `run()` with `{bin}/npx` first on `PATH`: it runs the checkout's esbuild directly (see {@link synthBundles}). */
function withDirectEsbuild<T>(root: string, bin: string, run: () => T): T {
  mkdirSync(bin, { recursive: true });
  const npx = join(bin, 'npx');
  const esbuild = join(root, 'node_modules/.bin/esbuild');
  writeFileSync(
    npx,
    `#!/bin/sh\nif [ "$1" = --no-install ] && [ "$2" = esbuild ]; then shift 2; exec '${esbuild}' "$@"; fi\necho "bundle synth: unexpected npx $*" >&2; exit 1\n`,
  );
  chmodSync(npx, 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path ?? ''}`;
  try {
    return run();
  } finally {
    process.env.PATH = path;
  }
}

/** The esbuild metafile the stack writes beside a bundle (`bundling.metafile`). */
export function metafileOf(bundle: LambdaBundle): Metafile {
  return JSON.parse(readFileSync(join(bundle.dir, 'index.meta.json'), 'utf8')) as Metafile;
}

/** The bytes of `index.mjs` that each input contributed, by the file's package (or project folder). */
function inputsOf(metafile: Metafile): Record<string, number> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('metafile has no entry point output');
  return Object.fromEntries(Object.entries(output.inputs).map(([path, input]) => [path, input.bytesInOutput]));
}

/** `node_modules/@aws-sdk/client-s3/dist-es/…` → `@aws-sdk/client-s3`; `core/aws/store.ts` → `core/aws`. */
function packageOf(path: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return module ? module[1] : path.split('/').slice(0, -1).join('/') || path;
}

/** The `size` biggest contributors to the bundle, by package: `zod 454 kB, @smithy/core 134 kB, …`. */
export function biggestInputs(metafile: Metafile, size = 5): string {
  const byPackage = new Map<string, number>();
  for (const [path, bytes] of Object.entries(inputsOf(metafile))) {
    byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytes);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, size)
    .map(([name, bytes]) => `${name} ${kB(bytes)}`)
    .join(', ');
}

const CLIENT_MODULE = /^core\/aws\/clients\/([^/]+)\.ts$/;
// The credential chain's STS/SSO clients (nested-clients) count too: the stack's bundles take credentials from Lambda's environment.
const SDK_CLIENT_PACKAGE = /^@aws-sdk\/(client-|nested-clients$)/;

/** What a bundle talks to, from its metafile. */
export interface BundleClients {
  /** The client factories it names (`core/aws/clients/{name}.ts` in the bundle), besides the store and its DynamoDB client. */
  readonly services: readonly string[];
  /** Whether it has the stream store. */
  readonly store: boolean;
  /** SDK client packages in the bundle that no factory it names imports (none, if it bundles only what it names). */
  readonly unnamed: readonly string[];
}

/**
 * The clients a bundle names and what it holds beyond them. A factory module is in the bundle only
 * because a handler names it (`taskHandler(Input, run, { medialive: mediaLiveClient })`), and each
 * factory imports its SDK client package; `sdk-client.ts` is the factories' shared helper.
 */
export function clientsOf(metafile: Metafile): BundleClients {
  const inputs = inputsOf(metafile);
  // A factory esbuild kept no byte of is not one the handler names.
  const named = Object.entries(inputs)
    .filter(([, bytes]) => bytes > 0)
    .map(([path]) => CLIENT_MODULE.exec(path)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'sdk-client');
  const namedPackages = new Set(
    Object.keys(inputs)
      .filter((path) => CLIENT_MODULE.test(path))
      .flatMap((path) => metafile.inputs[path]?.imports.map((i) => packageOf(i.path)) ?? []),
  );
  const bundledPackages = new Set(
    Object.entries(inputs)
      .filter(([path, bytes]) => bytes > 0 && SDK_CLIENT_PACKAGE.test(packageOf(path)))
      .map(([path]) => packageOf(path)),
  );
  return {
    services: named.filter((name) => name !== 'store' && name !== 'dynamodb').sort(),
    store: named.includes('store'),
    unnamed: [...bundledPackages].filter((p) => !namedPackages.has(p)).sort(),
  };
}

/** `412345` → `412 kB` (kB = 1000 bytes, as esbuild and the issue count). */
export function kB(bytes: number): string {
  return `${Math.round(bytes / 1000)} kB`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
