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
  // jest.useFakeTimers() fakes the clock and timers but, as under vitest, leaves process.nextTick
  // and queueMicrotask real: what a test drives by the clock still settles its promises and I/O.
  fakeTimers: { doNotFake: ['nextTick', 'queueMicrotask'] },
  // For tests and hooks alike: a hook that needs longer says so with its own timeout argument.
  testTimeout: 30_000,
};
