import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** s3rver's error type: thrown from the store, it is answered as S3's XML error with its status. */
const S3Error = createRequire(import.meta.url)('s3rver/lib/models/error') as new (code: string, message: string) => Error;

/** "a maximum length of 1,024 bytes" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html); S3 answers KeyTooLongError. */
const MAX_KEY_BYTES = 1024;
/**
 * Linux's longest file name (NAME_MAX), less the `.md5` that s3rver appends to an object's file:
 * a longer key segment would make s3rver's file write fail outside any handler and take the
 * process down. S3 itself has no such limit; the stand-in refuses instead of crashing.
 */
const MAX_FILE_NAME_BYTES = 255 - '.md5'.length;

/** The two methods of s3rver's FilesystemStore through which every path it touches is made. */
interface FilesystemStore {
  rootDirectory: string;
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function refuse(message: string): never {
  throw new S3Error('InvalidArgument', message);
}

function checkFileNames(path: string, root: string): void {
  for (const name of relative(root, path).split(sep)) {
    if (Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) refuse(`a key segment over ${MAX_FILE_NAME_BYTES} bytes cannot be stored by the local S3`);
  }
}

/**
 * Makes s3rver refuse any bucket or key that would resolve outside its directory (`..` segments,
 * raw or percent-encoded: S3 keys are opaque strings, but s3rver maps them to file paths), whoever
 * the caller: the guard sits in the store, below every route. Also S3's own key length limit.
 */
export function guardStore(store: FilesystemStore): void {
  const root = resolve(store.rootDirectory);
  const bucketPath = store.getBucketPath.bind(store);
  const resourcePath = store.getResourcePath.bind(store);
  store.getBucketPath = (bucket) => {
    const path = resolve(bucketPath(bucket));
    if (!inside(root, path) || path !== join(root, bucket)) refuse(`bucket name ${JSON.stringify(bucket)} is not allowed`);
    checkFileNames(path, root);
    return path;
  };
  store.getResourcePath = (bucket, key, resource) => {
    if (key !== undefined && Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long');
    const bucketDir = store.getBucketPath(bucket);
    const path = resolve(resourcePath(bucket, key, resource));
    if (!inside(bucketDir, path)) refuse('the key resolves outside its bucket');
    checkFileNames(path, root);
    return path;
  };
}
