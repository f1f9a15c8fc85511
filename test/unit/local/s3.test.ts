import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { localS3Client } from '../../../local/s3';
import { startS3, type LocalS3 } from '../../../local/s3rver';

// ESM has no __dirname.
const S3_PARENT = fileURLToPath(new URL('./fixtures/s3-parent.ts', import.meta.url));

let dir: string;
let s3: LocalS3 | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 's3-'));
});
afterEach(async () => {
  await s3?.close();
  s3 = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local S3 (s3rver)', () => {
  it('stores objects intact, lists them in pages, and serves them to a plain GET', async () => {
    s3 = await startS3({ port: 0, directory: dir, buckets: ['archive'] });
    const client = localS3Client(s3.endpoint);
    const body = Buffer.alloc(300_000, 7);

    for (const n of [1, 2, 3]) await client.send(new PutObjectCommand({ Bucket: 'archive', Key: `s/a.00000${n}.ts`, Body: body }));
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: 'archive' })) {
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    }
    const plain = Buffer.from(await (await fetch(`${s3.endpoint}/archive/s/a.000002.ts`)).arrayBuffer());

    expect(keys).toEqual(['s/a.000001.ts', 's/a.000002.ts', 's/a.000003.ts']);
    expect(plain.equals(body)).toBe(true);
  });

  it('keeps objects across a restart', async () => {
    s3 = await startS3({ port: 0, directory: dir, buckets: ['archive'] });
    await localS3Client(s3.endpoint).send(new PutObjectCommand({ Bucket: 'archive', Key: 'k', Body: 'kept' }));
    await s3.close();

    s3 = await startS3({ port: 0, directory: dir, buckets: ['archive'] });
    const out = await localS3Client(s3.endpoint).send(new GetObjectCommand({ Bucket: 'archive', Key: 'k' }));
    const listed = await localS3Client(s3.endpoint).send(new ListObjectsV2Command({ Bucket: 'archive' }));

    expect(await out.Body!.transformToString()).toBe('kept');
    expect(listed.KeyCount).toBe(1);
  });

  it('closes its child process, and the child never outlives a parent killed with SIGKILL', async () => {
    s3 = await startS3({ port: 0, directory: dir, buckets: ['b'] });
    const closedPid = s3.pid;
    await s3.close();
    s3 = undefined;
    const parent = spawn(process.execPath, ['--import', 'tsx', S3_PARENT, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const { pid } = JSON.parse(line.toString()) as { pid: number };

    parent.kill('SIGKILL');
    await once(parent, 'exit');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));

    expect(alive(closedPid)).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});

describe('local S3 keeps every object under its directory', () => {
  // S3 keys are opaque strings ("any UTF-8 characters", https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html),
  // but s3rver maps a key to a file path: `..` segments would name a file outside the store. The
  // stand-in refuses them (400) whoever calls, and enforces S3's 1,024-byte key limit (KeyTooLongError).
  const escapes = [
    ['an encoded ../ key', (name: string) => `/archive/..%2F..%2F${name}`],
    ['a raw ../ key', (name: string) => `/archive/../../${name}`],
    ['a nested ../ key', (name: string) => `/archive/a/..%2F..%2F..%2F${name}`],
    ['an encoded .. bucket', (name: string) => `/%2E%2E/${name}`],
  ] as const;

  it.each(escapes)('refuses a plain HTTP PUT with %s, writing nothing outside', async (_what, target) => {
    const store = join(dir, 'store');
    s3 = await startS3({ port: 0, directory: store, buckets: ['archive'] });
    const name = `escaped-${Date.now()}`;

    const res = await rawPut(s3.port, target(name), 'owned');

    expect(res.status).toBe(400);
    expect(res.body).toMatch(/<Code>InvalidArgument<\/Code>/);
    expect(findFiles(dir).filter((f) => f.includes('escaped-'))).toEqual([]);
  });

  it('refuses the same through the SDK, and still stores a key with dots that stays inside', async () => {
    s3 = await startS3({ port: 0, directory: join(dir, 'store'), buckets: ['archive'] });
    const client = localS3Client(s3.endpoint);

    await expect(client.send(new PutObjectCommand({ Bucket: 'archive', Key: '../../escaped-sdk', Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    await client.send(new PutObjectCommand({ Bucket: 'archive', Key: 'a..b/.hidden/x.ts', Body: 'kept' }));
    const out = await client.send(new GetObjectCommand({ Bucket: 'archive', Key: 'a..b/.hidden/x.ts' }));

    expect(await out.Body!.transformToString()).toBe('kept');
    expect(findFiles(dir).filter((f) => f.includes('escaped-'))).toEqual([]);
  });

  it('refuses a key over 1,024 bytes with KeyTooLongError, as S3 does, and a segment too long for a file name without crashing', async () => {
    s3 = await startS3({ port: 0, directory: join(dir, 'store'), buckets: ['archive'] });
    const client = localS3Client(s3.endpoint);
    const segment = `${'é'.repeat(99)}/`; // 199 bytes
    const put = (Key: string) => client.send(new PutObjectCommand({ Bucket: 'archive', Key, Body: 'x' }));

    await expect(put(`${segment.repeat(5)}${'a'.repeat(30)}`)).rejects.toMatchObject({ name: 'KeyTooLongError' });
    await expect(put('a'.repeat(300))).rejects.toMatchObject({ name: 'InvalidArgument' });
    await put(`${segment.repeat(5)}${'a'.repeat(29)}`);
  });
});

/** A PUT with the request target exactly as given (fetch would resolve the dot-segments first). */
async function rawPut(port: number, target: string, body: string): Promise<{ status: number; body: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.write(`PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  await once(socket, 'close');
  return { status: Number(text.split(' ')[1]), body: text };
}

function findFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f));
}
