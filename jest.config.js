// Jest on native ESM: `npm test` starts it under `node --experimental-vm-modules`, and each test
// file is compiled by swc (types stripped only; `tsc --noEmit` does the type checking).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  // Tests import describe/it/expect/jest from @jest/globals, so a missing import is an error.
  injectGlobals: false,
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Workflow and e2e tests start real engines and media processes; on 2 cores, two workers at a
  // time keep them from starving each other.
  maxWorkers: 2,
  // Jest's ESM runtime evaluates each file's module graph (aws-cdk-lib, the SDK) anew and never
  // frees the old one: a worker's heap grew to 1.5 GB over the suite. A worker past 1 GB after a
  // file is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
  // jest.useFakeTimers() fakes the clock and timers but leaves process.nextTick and queueMicrotask
  // real: what a test drives by the clock still settles its promises and I/O on the event loop.
  fakeTimers: { doNotFake: ['nextTick', 'queueMicrotask'] },
  // For tests and hooks alike: a hook that needs longer says so with its own timeout argument.
  testTimeout: 30_000,
};
