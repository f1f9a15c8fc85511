import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { localS3Client } from '../../../local/s3';
import { allowConsoleReads } from '../../../local/s3-cors';
import { startS3, type LocalS3 } from '../../../local/s3rver';

const BUCKETS = ['archive', 'output'];
const API_PORT = 3456;
let s3: LocalS3;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3-cors-'));
  s3 = await startS3({ port: 0, directory: dir, buckets: BUCKETS });
  const client = localS3Client(s3.endpoint);
  for (const bucket of BUCKETS) await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/archive_1.000001.ts', Body: 'bytes' }));
  await allowConsoleReads(client, BUCKETS, API_PORT);
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (bucket: string, origin: string) => fetch(`${s3.endpoint}/${bucket}/a/archive_1.000001.ts`, { headers: { Origin: origin } });
const preflight = (origin: string, method: string) =>
  fetch(`${s3.endpoint}/archive/a/archive_1.000001.ts`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method } });

describe('local S3 CORS for the console', () => {
  it("grants the console's own origins (the API port's) GET on both buckets", async () => {
    for (const bucket of BUCKETS) {
      for (const origin of [`http://127.0.0.1:${API_PORT}`, `http://localhost:${API_PORT}`]) {
        const res = await get(bucket, origin);
        expect({ status: res.status, allowed: res.headers.get('access-control-allow-origin') }).toEqual({ status: 200, allowed: origin });
      }
    }
  });

  it('grants no other origin, and no write to the console either', async () => {
    for (const origin of ['http://127.0.0.1:9999', 'https://example.com']) {
      const res = await get('archive', origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect((await preflight(`http://127.0.0.1:${API_PORT}`, 'GET')).status).toBe(200);
    for (const method of ['PUT', 'DELETE']) expect((await preflight(`http://127.0.0.1:${API_PORT}`, method)).status).toBe(403);
  });
});
