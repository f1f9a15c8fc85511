import { describe, expect, it } from '@jest/globals';
import { consolePagePolicy } from '../../../console/page-policy';

/** The policy's directives by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split('; ').map((d) => d.split(' ')).map(([name, ...values]) => [name, values]));
}

describe("the console page's Content-Security-Policy", () => {
  it('lets hls.js read the recording playlist from a blob: URL and media from the given sources, wherever the console is served', () => {
    // Act
    const policy = directives(consolePagePolicy(['https:', 'http://127.0.0.1:*']));
    // Assess: `fmls console` once served a policy without blob: in connect-src, and the recording never loaded
    expect(policy.get('connect-src')).toEqual(["'self'", 'blob:', 'https:', 'http://127.0.0.1:*']);
    expect(policy.get('media-src')).toEqual(["'self'", 'blob:', 'https:', 'http://127.0.0.1:*']);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
