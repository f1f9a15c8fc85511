import S3rver from 's3rver';
import { guardStore } from './s3rver-store-guard';

/**
 * s3rver in a child process of its own, started by `local/s3.ts` with `--openssl-legacy-provider`:
 * s3rver encrypts its ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 only
 * offers through the legacy provider, and that flag can't be turned on inside a running process.
 *
 * Protocol (IPC): argv[2] is `{port, directory, buckets}` as JSON; the child sends `{port}` once it
 * listens on 127.0.0.1. It exits when the parent closes the IPC channel, which also happens when
 * the parent is killed outright, so it never outlives the runtime.
 */
interface Options {
  port: number;
  directory: string;
  buckets: string[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const server = new S3rver({
  address: '127.0.0.1',
  port: options.port,
  directory: options.directory,
  silent: true,
  configureBuckets: options.buckets.map((name) => ({ name })),
});
guardStore((server as unknown as { store: Parameters<typeof guardStore>[0] }).store);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await server.close().catch(() => undefined);
  process.exit(0);
}
process.on('disconnect', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

const address = await server.run();
process.send?.({ port: address.port });
