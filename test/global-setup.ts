// Runs once in jest's main process before the workers start, so the workers, and every process a
// test starts, inherit these.
export default function globalSetup(): void {
  // The runtime logs every request and step at INFO; in tests only errors help read a failure.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // The SDK's Node 20 deprecation notice (true, and shown by `npm start`) would repeat per test file.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
