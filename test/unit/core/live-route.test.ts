import { describe, expect, it } from '@jest/globals';
import {
  liveEndpoint,
  liveRouteKey,
  liveRouteValue,
  originUrlFor,
  parseLiveRouteValue,
  splitViewerEndpoint,
} from '../../../core/aws/live-route';

const STREAM = '0123456789abcdef0123456789abcdef';
const VIEWER = 'https://abc123.mediapackage.us-east-1.amazonaws.com/out/v1/5f0e/index.m3u8';

describe('live route rules', () => {
  it('keys a route by stream id and stores the origin base URL of the viewer endpoint as JSON', () => {
    // Act
    const value = liveRouteValue(VIEWER);

    // Assess
    expect(liveRouteKey(STREAM)).toBe(STREAM);
    expect(JSON.parse(value)).toEqual({ origin: 'https://abc123.mediapackage.us-east-1.amazonaws.com/out/v1/5f0e/' });
    expect(parseLiveRouteValue(value)).toEqual(JSON.parse(value));
  });

  it('splits a viewer endpoint into origin and manifest, keeping a local port', () => {
    expect(splitViewerEndpoint('http://127.0.0.1:8080/out/v1/ep1/index.m3u8')).toEqual({
      origin: 'http://127.0.0.1:8080/out/v1/ep1/',
      manifest: 'index.m3u8',
    });
    expect(() => splitViewerEndpoint('https://host/out/v1/ep1/')).toThrow(/no manifest file/);
  });

  it('builds the live endpoint under /live/{id}/ with the manifest file name, whatever the base URL ends with', () => {
    expect(liveEndpoint('https://live.example.com', STREAM, VIEWER)).toBe(`https://live.example.com/live/${STREAM}/index.m3u8`);
    expect(liveEndpoint('https://live.example.com/', STREAM, VIEWER)).toBe(`https://live.example.com/live/${STREAM}/index.m3u8`);
  });

  it('maps a viewer path under /live/{id}/ to the origin, and nothing else', () => {
    const route = parseLiveRouteValue(liveRouteValue(VIEWER));

    expect(originUrlFor(`/live/${STREAM}/index_1_0.ts`, STREAM, route)).toBe(
      'https://abc123.mediapackage.us-east-1.amazonaws.com/out/v1/5f0e/index_1_0.ts',
    );
    expect(originUrlFor(`/live/other/index.m3u8`, STREAM, route)).toBeUndefined();
    expect(originUrlFor(`/live/${STREAM}/../x/index.m3u8`, STREAM, route)).toBeUndefined();
  });

  it('rejects a stored value that is not a route', () => {
    expect(() => parseLiveRouteValue('{"origin":"not a url"}')).toThrow();
    expect(() => parseLiveRouteValue('nope')).toThrow();
  });
});
