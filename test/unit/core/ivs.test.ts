import { describe, expect, it } from '@jest/globals';
import { ivsChannelName, ivsIngestUrl } from '../../../core/domain/ivs';

describe('IVS naming', () => {
  it('builds the documented rtmps ingest URL on port 443', () => {
    expect(ivsIngestUrl('rtmps', 'abc.global-contribute.live-video.net', 'sk_us-east-1_X')).toBe(
      'rtmps://abc.global-contribute.live-video.net:443/app/sk_us-east-1_X',
    );
  });

  it('keeps an ingest endpoint that names its own port (the local runtime)', () => {
    expect(ivsIngestUrl('rtmp', '127.0.0.1:1935', 'sk_local')).toBe('rtmp://127.0.0.1:1935/app/sk_local');
  });

  it('names a stream channel within IVS limits', () => {
    expect(ivsChannelName('0123456789abcdef0123456789abcdef')).toMatch(/^[a-zA-Z0-9-_]{1,128}$/);
  });
});
