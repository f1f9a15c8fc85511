import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiHarness } from './harness';
import { recordOf } from '../../fixtures/api-reply';

// A harness that waits, as the deployed API does (API_WAIT_SECONDS), for ivs_start's endpoints.
const h = new ApiHarness();
beforeAll(() => h.start({ API_WAIT_SECONDS: '3' }));
afterAll(() => h.stop());
beforeEach(() => h.resetSfn());

describe('POST /streams/{id}/ivs_start', () => {
  it('answers with ivs_viewer_endpoint and rtmp_ivs once the workflow has made the IVS channel', async () => {
    const stream = await h.seed({ state: 'idle' });
    // The workflow's ensure-ivs-channel step, a moment after the API started it.
    const channelMade = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await h.store.mutate(stream.id, () => ({
        ivs_viewer_endpoint: 'https://abc.us-east-1.playback.live-video.net/api/video/v1/x.m3u8',
        rtmp_ivs: 'rtmps://abc.global-contribute.live-video.net:443/app/sk_us-east-1_SECRET',
      }));
    })();

    const res = await h.call('POST', `/streams/${stream.id}/ivs_start`, { chime_url: 'https://meet.example.com/v2?m=a' });
    await channelMade;

    expect(res.status).toBe(202);
    expect(recordOf(res).ivs_viewer_endpoint).toMatch(/\.m3u8$/);
    expect(recordOf(res).rtmp_ivs).toMatch(/^rtmps:\/\//);
    expect(recordOf(res).connector).toMatchObject({ target: 'ivs', state: 'starting' });
  });
});
