import { describe, expect, it } from '@jest/globals';
import { ChimeUrlSchema, withBroadcast } from '../../../core/domain/chime-url';

const SEED_URL = 'https://j7zzx3mcs9.execute-api.us-east-1.amazonaws.com/Prod/v2?m=mjg-test-connector-meeting';

describe('withBroadcast', () => {
  it('appends broadcast=true to the seed example, which lacks it', () => {
    expect(withBroadcast(SEED_URL)).toBe(`${SEED_URL}&broadcast=true`);
  });

  it('leaves a URL that already says broadcast=true exactly as given', () => {
    const url = `${SEED_URL}&broadcast=true`;
    expect(withBroadcast(url)).toBe(url);
  });

  it('starts the query when there is none, and keeps a fragment after it', () => {
    expect(withBroadcast('https://meet.example.com/v2')).toBe('https://meet.example.com/v2?broadcast=true');
    expect(withBroadcast('https://meet.example.com/v2?m=a#top')).toBe('https://meet.example.com/v2?m=a&broadcast=true#top');
    expect(withBroadcast('https://meet.example.com/v2?')).toBe('https://meet.example.com/v2?broadcast=true');
  });

  it('keeps the rest of the query byte for byte (no re-encoding)', () => {
    expect(withBroadcast('https://x.example/v2?m=a+b%20c')).toBe('https://x.example/v2?m=a+b%20c&broadcast=true');
  });

  it('turns another broadcast value into true: the connector only works in broadcast mode', () => {
    expect(new URL(withBroadcast(`${SEED_URL}&broadcast=false`)).searchParams.getAll('broadcast')).toEqual(['true']);
  });

  it('is idempotent', () => {
    const once = withBroadcast(SEED_URL);
    expect(withBroadcast(once)).toBe(once);
  });
});

describe('ChimeUrlSchema', () => {
  it.each([SEED_URL, 'http://127.0.0.1:8000/meeting'])('accepts %s', (url) => {
    expect(ChimeUrlSchema.safeParse(url).success).toBe(true);
  });

  it.each(['not a url', 'ftp://x.example/m', 'javascript:alert(1)', `https://x.example/${'a'.repeat(2050)}`])('rejects %s', (url) => {
    expect(ChimeUrlSchema.safeParse(url).success).toBe(false);
  });
});
