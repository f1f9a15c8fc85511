import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localS3Client, startS3, type LocalS3 } from '../../../local/s3';

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
    const parent = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/s3-parent.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const { pid } = JSON.parse(line.toString()) as { pid: number };

    parent.kill('SIGKILL');
    await once(parent, 'exit');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));

    expect(alive(closedPid)).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});
