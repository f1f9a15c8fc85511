import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The runtime logs every request and step at INFO; in tests only errors help read a failure.
    // The SDK's Node 20 deprecation notice (true, and shown by `npm start`) would repeat per test file.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Workflow and e2e tests start real engines and media processes; on 2 cores, two forks at a
    // time keep them from starving each other.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
