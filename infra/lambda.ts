import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

/** The repository root: entries and the lock file are found from here, wherever `cdk` runs. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A file of the repository, e.g. `tasks/stop-channel.ts`, as an absolute path. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

export interface ProjectFunctionProps {
  /** The entry file, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly memorySize?: number;
}

/**
 * A Lambda of this project: nodejs22.x on ARM64, bundled by the local esbuild (never Docker) into
 * one ESM file with its dependencies (including the AWS SDK, so the code runs on the versions it
 * was tested with, not whichever the runtime ships). Its role can write its own log group and
 * nothing else until the caller grants more: no managed policies.
 */
export function projectFunction(scope: Construct, id: string, props: ProjectFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs ${props.entry}`,
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(scope, id, {
    entry: repoPath(props.entry),
    handler: 'handler',
    depsLockFilePath: repoPath('package-lock.json'),
    projectRoot: REPO_ROOT,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    description: props.description,
    role,
    logGroup,
    environment: props.environment,
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      // Source maps ship, lean and external, but are not loaded: Node reads a map only under
      // `--enable-source-maps`, which cost ~30 ms of every cold init (+25%) and 60-90 ms at a
      // container's first stack trace, which our workflows reach often (Conflict, NotFound and
      // StreamStateConflict are how tasks answer). The named errors carry what an operator needs;
      // for a source-mapped trace, set NODE_OPTIONS=--enable-source-maps on that one function
      // (a configuration change, no new code). Without sourcesContent the map is ~1/3 the size:
      // positions only, the sources are in the repository. Figures: docs/BENCHMARKS.md, "Lambda bundles".
      sourceMap: true,
      sourcesContent: false,
      // esbuild's account of what the bundle holds (index.meta.json, beside index.mjs; Lambda never
      // reads it): the bundle-size test and bench read it, and so can anyone holding a deployed package.
      metafile: true,
      externalModules: [],
      forceDockerBundling: false,
      // The SDK's default credential chain, less every link Lambda never reaches (see the file).
      esbuildArgs: { '--alias': '@aws-sdk/credential-provider-node=./core/aws/lambda-credentials.ts' },
      // Bundled CommonJS dependencies call `require` for Node built-ins; ESM has none of its own.
      banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'nodejs22.x is the runtime the project targets and tests against (docs/ARCHITECTURE.md); it is raised deliberately, not by the newest release.',
  );
  return fn;
}
