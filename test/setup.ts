import 'aws-sdk-client-mock-jest';
import '../core/lambda/polyfills';
