import 'aws-sdk-client-mock-jest/vitest';
import '../core/polyfills';
