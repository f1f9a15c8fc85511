import 'aws-sdk-client-mock-jest/vitest';
import '../core/lambda/polyfills';
