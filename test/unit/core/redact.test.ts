import { describe, expect, it } from '@jest/globals';
import { redact, redactText } from '../../../core/domain/redact';

describe('redact', () => {
  it('hides the key of RTMP and RTMPS URLs but keeps host and app', () => {
    expect(redactText('push to rtmp://1.2.3.4:1935/live1/s3cr3tKey now')).toBe('push to rtmp://1.2.3.4:1935/live1/*** now');
    expect(redactText('rtmps://abc.global-contribute.live-video.net:443/app/sk_us-west-2_AbC123')).toBe(
      'rtmps://abc.global-contribute.live-video.net:443/app/***',
    );
  });

  it('hides IVS stream keys anywhere and stream-key fields in objects, deeply', () => {
    const out = redact({ a: ['key sk_us-east-1_XyZ'], nested: { streamKey: 'plain', rtmp1: 'rtmp://h:1/a/k' }, n: 3 });
    expect(out).toEqual({ a: ['key sk_***'], nested: { streamKey: '***', rtmp1: 'rtmp://h:1/a/***' }, n: 3 });
  });

  it('leaves text without keys alone', () => {
    expect(redactText('s3://bucket/2026/01/01/abc/')).toBe('s3://bucket/2026/01/01/abc/');
  });
});
