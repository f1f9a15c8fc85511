import { describe, expect, it } from '@jest/globals';
import { obsSettings } from '../../../console/obs';

describe('OBS settings from rtmp1', () => {
  it('splits at the last slash: the server, then the stream key', () => {
    expect(obsSettings('rtmp://127.0.0.1:1935/live/0a1b2c3d-key')).toEqual({ server: 'rtmp://127.0.0.1:1935/live', streamKey: '0a1b2c3d-key' });
    expect(obsSettings('rtmp://1.2.3.4:1935/app/sub/k')).toEqual({ server: 'rtmp://1.2.3.4:1935/app/sub', streamKey: 'k' });
  });

  it('has none while there is no key (a stream still being created)', () => {
    for (const url of ['', 'rtmp://', 'rtmp://host', 'rtmp://host:1935/live/']) expect(obsSettings(url)).toBeUndefined();
  });
});
