import { describe, expect, it } from '@jest/globals';
import { consoleFileHeaders, consolePagePolicy } from '../../../console/page-policy';

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

describe("the console files' headers (one definition for the local runtime and `fmls console`)", () => {
  it('revalidate every file and forbid sniffing; only the page carries the CSP and Referrer-Policy', () => {
    const page = consoleFileHeaders('/', ['https:']);
    expect(page).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': consolePagePolicy(['https:']),
      'Referrer-Policy': 'no-referrer',
    });
    expect(consoleFileHeaders('/console/main.js', ['https:'])).toEqual({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    expect(consoleFileHeaders('/console/v1.2/blob', [])['Content-Type']).toBe('application/octet-stream');
  });
});
