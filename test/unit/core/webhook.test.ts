import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { deliveryName, isPublicAddress, newWebhookSecret, webhookSignature, webhookUrlProblem } from '../../../core/domain/webhook';
import { webhookTargetProblem, type ResolveHost } from '../../../core/aws/webhook-http';

const CLOUD = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };
const problem = (url: string, rules = CLOUD) => webhookUrlProblem(new URL(url), rules);
/** A resolver that answers from a table, never the network (npm test stays on 127.0.0.1). */
const resolver = (table: Record<string, string[]>): ResolveHost => (host) => {
  const addresses = table[host];
  if (!addresses) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
  return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

describe('webhook target addresses', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '169.254.0.1',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fc00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:169.254.169.254',
  ])('refuses %s (private, loopback, link-local, unique-local, mapped)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('takes %s (public)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('webhook URL rules', () => {
  it('takes an HTTPS URL to a public address', () => {
    expect(problem('https://93.184.216.34/hook')).toBeUndefined();
  });

  it('refuses plain HTTP in the cloud, even to 127.0.0.1', () => {
    expect(problem('http://93.184.216.34/hook')).toBe('must be https');
    expect(problem('http://127.0.0.1:8080/hook')).toBe('must be https');
  });

  it('takes plain HTTP locally only to 127.0.0.1', () => {
    expect(problem('http://127.0.0.1:8080/hook', LOCAL)).toBeUndefined();
    expect(problem('http://localhost:8080/hook', LOCAL)).toMatch(/must be https \(plain http only to 127\.0\.0\.1\)/);
    expect(problem('http://93.184.216.34/hook', LOCAL)).toMatch(/must be https/);
  });

  it('refuses private, link-local (metadata) and unique-local IP literals', () => {
    expect(problem('https://169.254.169.254/latest/meta-data/')).toMatch(/private, loopback or link-local address \(169\.254\.169\.254\)/);
    expect(problem('https://10.0.0.1/')).toMatch(/10\.0\.0\.1/);
    expect(problem('https://[fd12::1]/')).toMatch(/fd12::1/);
    expect(problem('https://[::ffff:127.0.0.1]/')).toMatch(/address \(::ffff:7f00:1\)/);
  });

  it('refuses credentials in the URL and other schemes', () => {
    expect(problem('https://user:pw@93.184.216.34/')).toBe('must not hold credentials');
    expect(problem('ftp://93.184.216.34/')).toBe('must be https');
  });

  it('resolves a host name and refuses one that points at a private or metadata address', async () => {
    const resolve = resolver({ 'hooks.example.com': ['93.184.216.34'], 'rebind.example.com': ['93.184.216.34', '169.254.169.254'], 'inside.example.com': ['10.0.0.5'] });
    expect(await webhookTargetProblem(new URL('https://hooks.example.com/x'), CLOUD, resolve)).toBeUndefined();
    expect(await webhookTargetProblem(new URL('https://rebind.example.com/x'), CLOUD, resolve)).toMatch(/resolves to a private, loopback or link-local address \(169\.254\.169\.254\)/);
    expect(await webhookTargetProblem(new URL('https://inside.example.com/x'), CLOUD, resolve)).toMatch(/10\.0\.0\.5/);
    expect(await webhookTargetProblem(new URL('https://nowhere.example.com/x'), CLOUD, resolve)).toMatch(/does not resolve/);
  });

  it('refuses localhost by what it resolves to', async () => {
    expect(await webhookTargetProblem(new URL('https://localhost/x'), CLOUD, resolver({ localhost: ['127.0.0.1', '::1'] }))).toMatch(/127\.0\.0\.1/);
  });
});

describe('webhook signing', () => {
  it('signs {timestamp}.{body} with HMAC-SHA256, hex', () => {
    // Prepare: an independent HMAC over the documented input
    const expected = createHmac('sha256', 'whsec_test').update('1764655200.{"a":1}').digest('hex');
    // Act / Assess
    expect(webhookSignature('whsec_test', 1764655200, '{"a":1}')).toBe(expected);
    expect(webhookSignature('whsec_other', 1764655200, '{"a":1}')).not.toBe(expected);
    expect(webhookSignature('whsec_test', 1764655201, '{"a":1}')).not.toBe(expected);
  });

  it('makes secrets of 32 random bytes, each new', () => {
    const secret = newWebhookSecret();
    expect(Buffer.from(secret.replace(/^whsec_/, ''), 'base64url')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('names a delivery after its webhook and event: the same pair, the same name', () => {
    const webhook = '0123456789abcdef0123456789abcdef';
    expect(deliveryName(webhook, 'evt-1')).toBe(deliveryName(webhook, 'evt-1'));
    expect(deliveryName(webhook, 'evt-2')).not.toBe(deliveryName(webhook, 'evt-1'));
    expect(deliveryName(webhook, 'evt-1')).toMatch(/^[0-9a-f-]{1,80}$/);
  });
});
