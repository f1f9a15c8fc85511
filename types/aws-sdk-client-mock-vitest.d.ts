// aws-sdk-client-mock-jest/vitest augments `vitest`'s `Assertion`, which vitest 3 only re-exports,
// so TypeScript never merges it. Vitest 3.2's place for custom matchers is the `Matchers`
// interface, which `Assertion` extends. The matcher types aren't in the package's exports map,
// hence the path into its dist.
import type { AwsSdkMockMatchers } from '../node_modules/aws-sdk-client-mock-jest/dist/types/jestMatchers';

declare module 'vitest' {
  // The first parameter is what a matcher returns (`R`, default as `@vitest/expect` declares it).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an augmentation: what it extends is the body
  interface Matchers<R = void | Promise<void>> extends AwsSdkMockMatchers<R> {}
}
