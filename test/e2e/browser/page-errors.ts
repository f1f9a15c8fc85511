import type { Page } from 'playwright-core';

/**
 * Every console error and uncaught exception of a page, so a test fails on what an operator's
 * browser would show as broken even when the DOM looks right. A test that provokes an error on
 * purpose (a 422 from the create form) names it with `expect`; anything else fails `assertNone`.
 */
export interface PageErrors {
  /**
   * Tolerates console errors whose text matches `pattern` (and, if given, about the resource `url`)
   * from now on, until the returned function is called: e.g. the 400 a bad form provokes.
   */
  expect(pattern: RegExp, url?: string): () => void;
  /** Throws, listing them, if the page logged an error nobody expected. */
  assertNone(): void;
  /** The page's last console lines and errors, for a failure's message. */
  recent(): string;
}

export function watchErrors(page: Page): PageErrors {
  const seen: string[] = [];
  const expected = new Set<{ pattern: RegExp; url?: string }>();
  const log: string[] = [];
  page.on('console', (message) => {
    log.push(`${new Date().toISOString().slice(11, 23)} ${message.type()}: ${message.text()} (${message.location().url})`);
    if (log.length > 30) log.shift();
    if (message.type() !== 'error') return;
    const text = message.text();
    const { url, lineNumber } = message.location();
    if ([...expected].some((e) => e.pattern.test(text) && (e.url === undefined || e.url === url))) return;
    seen.push(`console.error ${text} (${url}:${lineNumber})`);
  });
  // Uncaught exceptions are never expected.
  page.on('pageerror', (err) => {
    seen.push(`uncaught ${err.stack ?? err.message}`);
    log.push(`uncaught: ${err.message}`);
  });
  return {
    expect(pattern, url) {
      const entry = { pattern, url };
      expected.add(entry);
      return () => void expected.delete(entry);
    },
    assertNone() {
      if (seen.length > 0) throw new Error(`the page logged ${seen.length} error(s):\n${seen.join('\n')}`);
    },
    recent: () => log.join('\n'),
  };
}
