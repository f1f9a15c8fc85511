import type { Page } from 'playwright-core';

/**
 * Every console error and uncaught exception of a page, so a test fails on what an operator's
 * browser would show as broken even when the DOM looks right. A test that provokes an error on
 * purpose (a 422 from the create form) names it with `expect`; anything else fails `assertNone`.
 */
export interface PageErrors {
  /** Tolerates console errors matching `pattern` from now on (e.g. the 422 a bad form provokes). */
  expect(pattern: RegExp): void;
  /** Throws, listing them, if the page logged an error nobody expected. */
  assertNone(): void;
}

export function watchErrors(page: Page): PageErrors {
  const seen: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (expected.some((p) => p.test(text))) return;
    const { url, lineNumber } = message.location();
    seen.push(`console.error ${text} (${url}:${lineNumber})`);
  });
  // Uncaught exceptions are never expected.
  page.on('pageerror', (err) => seen.push(`uncaught ${err.stack ?? err.message}`));
  return {
    expect: (pattern) => void expected.push(pattern),
    assertNone() {
      if (seen.length > 0) throw new Error(`the page logged ${seen.length} error(s):\n${seen.join('\n')}`);
    },
  };
}
