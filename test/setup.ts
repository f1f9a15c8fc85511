import 'aws-sdk-client-mock-jest';
import '../core/polyfills';
