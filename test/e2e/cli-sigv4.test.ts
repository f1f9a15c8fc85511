import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { cliEnv, runCli, startCli, stopCli } from './cli-run';

// The cloud API accepts only SigV4-signed requests (IAM auth). This endpoint on 127.0.0.1 plays
// API Gateway's part: it recomputes each request's signature with @smithy/signature-v4 from the
// credentials it knows (what AWS does with the caller's secret) and answers 403 like API Gateway
// when the signature, the service or the region is wrong. The CLI is pointed at it with
// `--api-host` naming an execute-api host, the way a private API is reached through a VPC
// endpoint, so the host and region it signs are the ones a real API's name gives.

const ACCESS_KEY_ID = 'AKIDEXAMPLECLITEST1';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const API_HOST = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
const STREAM = '0123456789abcdef0123456789abcdef';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  verdict: string;
  region?: string;
}

let server: Server;
let api: string;
const seen: Seen[] = [];

/** `x-amz-date` (`20261202T150000Z`) as a Date. */
function amzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`bad x-amz-date ${value}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** 'ok', or why API Gateway would refuse the request. */
async function verify(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ verdict: string; region?: string }> {
  const auth = headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { verdict: 'Missing Authentication Token' };
  const [, keyId, , region, service, signedHeaders] = m;
  if (keyId !== ACCESS_KEY_ID) return { verdict: 'The security token included in the request is invalid.' };
  if (service !== 'execute-api') return { verdict: `Credential should be scoped to correct service: 'execute-api', not '${service}'.` };
  const hostRegion = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(String(headers.host))?.[1] ?? process.env.TEST_CUSTOM_DOMAIN_REGION;
  if (region !== hostRegion) return { verdict: `Credential should be scoped to a valid region, not '${region}'.` };
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { verdict: "'Host' must be a signed header" };
  // Re-signed from what arrived: the signed headers' values, the path and query as sent, and the
  // body's own hash (not the x-amz-content-sha256 the client claims), as AWS computes it.
  const resign: Record<string, string> = {};
  for (const name of names) if (name !== 'x-amz-content-sha256') resign[name] = String(headers[name] ?? '');
  const token = headers['x-amz-security-token'];
  const target = new URL(url, 'http://placeholder');
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    sha256: Sha256,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: typeof token === 'string' ? token : undefined },
  });
  const expected = await signer.sign(
    {
      method,
      protocol: 'https:',
      hostname: String(headers.host),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: resign,
      body: body.length > 0 ? body : undefined,
    },
    { signingDate: amzDate(String(headers['x-amz-date'])) },
  );
  if (expected.headers.authorization !== auth) {
    return { verdict: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
  }
  return { verdict: 'ok', region };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      verify(req.method ?? '', req.url ?? '', req.headers, body)
        .then(({ verdict, region }) => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, verdict, region });
          if (verdict !== 'ok') return res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: verdict }));
          // What the API would answer, in shape; the signature is what is under test.
          const answer = req.method === 'GET' && req.url?.endsWith('/streams') ? [] : { echo: { method: req.method, url: req.url, body: body.toString() } };
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
        })
        .catch((err: Error) => res.writeHead(500).end(err.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});

afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET };
const lastSeen = () => seen[seen.length - 1];

describe('fmls signs cloud requests with SigV4', () => {
  it('signs reads and writes for the execute-api host and its region, with the path, body and headers as sent', async () => {
    // AWS_REGION says otherwise: the API's host name decides.
    const env = cliEnv({ ...credentials, AWS_REGION: 'us-east-1' });
    const list = await runCli(['--api', api, '--api-host', API_HOST, 'streams', 'list'], env);
    expect(list).toMatchObject({ code: 0, stdout: 'no streams\n' });
    expect(lastSeen()).toMatchObject({ verdict: 'ok', region: 'eu-west-1', method: 'GET', url: '/prod/streams' });
    expect(lastSeen().headers.host).toBe(API_HOST);

    const write = await runCli(['--json', '--api', api, '--api-host', API_HOST, '--idempotency-key', 'k-1', 'streams', 'create', '--name', 'Day 1: intro', '--segment-length', '10'], env);
    expect(write.code).toBe(0);
    expect(lastSeen()).toMatchObject({ verdict: 'ok', method: 'POST', url: '/prod/streams' });
    expect(JSON.parse(lastSeen().body.toString())).toEqual({ name: 'Day 1: intro', segment_length: 10 });
    // The idempotency key and the content type are under the signature, so neither can be swapped.
    const signed = /SignedHeaders=([^,]+)/.exec(lastSeen().headers.authorization!)![1].split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-type', 'host', 'idempotency-key', 'x-amz-content-sha256', 'x-amz-date']));
    expect(lastSeen().headers['x-amz-content-sha256']).toBe(createHash('sha256').update(lastSeen().body).digest('hex'));

    // An execution ARN in the path: percent-encoded on the wire, and signed as AWS canonicalizes it.
    const arn = `arn:aws:states:eu-west-1:123456789012:execution:fm-start:start-${STREAM}-v3`;
    const get = await runCli(['--api', api, '--api-host', API_HOST, '--json', 'executions', 'get', STREAM, arn], env);
    expect([get.code, get.stderr]).toEqual([0, '']);
    expect(lastSeen()).toMatchObject({ verdict: 'ok', url: `/prod/streams/${STREAM}/executions/${encodeURIComponent(arn)}` });

    // Session credentials (SSO, an assumed role): the token travels signed.
    const session = await runCli(['--api', api, '--api-host', API_HOST, 'streams', 'list'], cliEnv({ ...credentials, AWS_SESSION_TOKEN: 'session-token-example' }));
    expect(session.code).toBe(0);
    expect(lastSeen()).toMatchObject({ verdict: 'ok' });
    expect(lastSeen().headers['x-amz-security-token']).toBe('session-token-example');
    expect(lastSeen().headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    // No credential reaches the output.
    for (const out of [list, write, get, session]) expect(out.stdout + out.stderr).not.toContain(SECRET);
  }, 60_000);

  it('is refused when anything signed is changed, and with the wrong secret', async () => {
    const env = cliEnv(credentials);
    expect((await runCli(['--api', api, '--api-host', API_HOST, '--idempotency-key', 'first', 'streams', 'create', '--name', 'original'], env)).code).toBe(0);
    const good = lastSeen();
    expect(good.verdict).toBe('ok');

    // The same signed request, replayed with another body: API Gateway would refuse it.
    const replay = (body: Buffer, headers: IncomingHttpHeaders) =>
      new Promise<number>((resolve, reject) => {
        const out = request(new URL(good.url, api), { method: good.method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        out.on('error', reject);
        out.end(body);
      });
    const tamperedBody = Buffer.from(JSON.stringify({ name: 'tampered' }));
    expect(await replay(good.body, good.headers)).toBe(200);
    expect(await replay(tamperedBody, good.headers)).toBe(403);
    expect(lastSeen().verdict).toMatch(/signature we calculated does not match/);
    expect(await replay(good.body, { ...good.headers, 'idempotency-key': 'swapped' })).toBe(403);

    const wrong = await runCli(['--api', api, '--api-host', API_HOST, 'streams', 'list'], cliEnv({ ...credentials, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('fmls: 403 HTTP403: The request signature we calculated does not match');
    expect(wrong.stderr).not.toContain('not-the-secret');
  }, 60_000);

  it('takes the region from AWS_REGION for a custom domain name, and says so when there is none', async () => {
    process.env.TEST_CUSTOM_DOMAIN_REGION = 'ap-south-1';
    const custom = await runCli(['--api', api, '--api-host', 'live-api.example.com', 'streams', 'list'], cliEnv({ ...credentials, AWS_REGION: 'ap-south-1' }));
    expect(custom.code).toBe(0);
    expect(lastSeen()).toMatchObject({ verdict: 'ok', region: 'ap-south-1' });
    expect(lastSeen().headers.authorization).toContain('/ap-south-1/execute-api/aws4_request');

    const before = seen.length;
    const none = await runCli(['--api', api, '--api-host', 'live-api.example.com', 'streams', 'list'], cliEnv(credentials));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^fmls: --api: cannot tell the AWS region of live-api\.example\.com .*set AWS_REGION/m);
    expect(seen.length).toBe(before);

    // The local runtime is loopback: never signed.
    await runCli(['--api', api, 'streams', 'list'], cliEnv(credentials));
    expect(lastSeen().headers.authorization).toBeUndefined();
  }, 60_000);

  describe('fmls console', () => {
    let child: ChildProcess;
    let consoleUrl: string;

    beforeAll(async () => {
      const started = await startCli(['console', '--port', '0', '--api', api, '--api-host', API_HOST], cliEnv(credentials), /fmls console: (http:\/\/127\.0\.0\.1:\d+\/)/);
      child = started.child;
      consoleUrl = started.match[1];
    }, 90_000);

    afterAll(async () => stopCli(child));

    it('serves the console and proxies the API, signing each request; other origins and host names are refused unsigned', async () => {
      const page = await fetch(consoleUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await (await fetch(new URL('/console/config.json', consoleUrl))).json()).toEqual({ apiBase: '' });

      const list = await fetch(new URL('/streams', consoleUrl));
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual([]);
      expect(lastSeen()).toMatchObject({ verdict: 'ok', region: 'eu-west-1', url: '/prod/streams' });
      expect(lastSeen().headers.host).toBe(API_HOST);

      const write = await fetch(new URL(`/streams/${STREAM}/start`, consoleUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'console-1', Cookie: 'session=never-forwarded' },
        body: JSON.stringify({ startover_window_seconds: 60 }),
      });
      expect(write.status).toBe(200);
      expect(lastSeen()).toMatchObject({ verdict: 'ok', method: 'POST', url: `/prod/streams/${STREAM}/start` });
      expect(lastSeen().headers['idempotency-key']).toBe('console-1');
      expect(lastSeen().headers.cookie).toBeUndefined();

      // Another page in the operator's browser cannot borrow the operator's signature.
      const before = seen.length;
      const foreign = await fetch(new URL('/streams', consoleUrl), { headers: { Origin: 'https://evil.example' } });
      expect(foreign.status).toBe(403);
      const rebound = await new Promise<number>((resolve, reject) => {
        const out = request(new URL('/streams', consoleUrl), { headers: { host: 'rebound.example:80' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        out.on('error', reject);
        out.end();
      });
      expect(rebound).toBe(403);
      expect(seen.length).toBe(before);
    }, 60_000);
  });
});
