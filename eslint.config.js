// ESLint: typescript-eslint's type-checked rules, plus the project's layering (docs/ARCHITECTURE.md, "Layering")
// as import rules, so a wrong-way import or an import cycle fails `npm test` like a type error.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** `from` may not be imported by files in `target` (paths from the repository root). */
const zone = (target, from, message) => ({ target, from, message });

const SOURCE = ['./api', './core', './tasks', './workflows', './infra'];

/** The Lambda code's zod imports (below): why classic zod is out, and where zod comes in. */
const ZOD_DOOR = 'import zod as `import * as z from \'…/core/domain/zod\'`: zod/mini, by function so esbuild drops what is unused, with the English messages users see set once';
const CLASSIC_ZOD = {
  name: 'zod',
  message: `classic zod puts ~450 kB (every method and locale, tree-shaking cannot drop them) into each Lambda bundle, more than half a store-only task's 400 kB budget; ${ZOD_DOOR}`,
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', '.bench/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed names are the convention for a parameter a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./core', ['./api', './tasks', './workflows', './infra', './local', './bench', './test'], 'core/ imports no other project folder'),
            zone('./core/domain', ['./core/aws', './core/lambda'], 'the pure domain (core/domain) does not reach AWS or the Lambda runtime; adapters live in core/aws'),
            zone('./tasks', ['./api', './workflows', './infra', './local', './bench', './test'], 'tasks/ import only core/'),
            zone('./workflows', ['./api', './tasks', './infra', './local', './bench', './test'], 'workflows/ import only core/'),
            zone(SOURCE, './local', 'nothing the cloud runs imports the local runtime'),
            zone(SOURCE, ['./test', './bench'], 'source code does not import tests or benchmarks'),
            // The console and the CLI are clients of the public API: they may read its schemas (api/) and
            // the pure domain, never the store, the workflows, the tasks or the runtime behind it.
            zone(['./console', './cli'], ['./core/aws', './core/lambda', './tasks', './workflows', './infra', './local', './bench', './test'], 'console/ and cli/ know the API only (its schemas), never what runs behind it'),
            zone(SOURCE, ['./console', './cli'], 'nothing the cloud runs imports the console or the CLI'),
          ],
        },
      ],
    },
  },
  {
    // The pure domain may describe AWS shapes (the SDK's types) but never call AWS.
    files: ['core/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], allowTypeImports: true, message: 'core/domain is pure: import SDK types only (`import type`); calls belong in core/aws' }] },
      ],
    },
  },
  {
    // What a Lambda bundles: classic zod's methods and its every locale survive tree-shaking (~450 kB
    // per bundle, measured with esbuild's metafile); zod/mini imported by function ~35 kB. core/domain/zod.ts
    // is the one door, because it also sets the English messages zod/mini does not load.
    files: ['api/**/*.ts', 'core/**/*.ts', 'tasks/**/*.ts'],
    ignores: ['core/domain/zod.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [CLASSIC_ZOD], patterns: [{ group: ['zod/*'], message: ZOD_DOOR }] }],
    },
  },
  {
    files: ['core/domain/zod.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [CLASSIC_ZOD] }] },
  },
  {
    // Plain JavaScript config files are not in the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
