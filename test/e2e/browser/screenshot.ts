import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { VIEWPORT } from './browser';

/**
 * The committed screenshots are rewritten only when asked (`UPDATE_SCREENSHOTS=1 npm run jest --
 * test/e2e/browser`): every run's differ (times, ids, ports), and `npm test` must not leave the
 * checkout changed. Otherwise they are still taken, into a scratch folder, so the code that takes
 * them runs on every test run.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'screenshots')
  : join(tmpdir(), 'frontmaster-screenshots');

/**
 * {SCREENSHOTS}/{view}.png: what the view looks like at 1280x720 (the viewport, not the whole
 * page), taken by the test that drove it there. From the top of the page (what an operator sees on
 * arriving) unless `at` names a part to show, scrolled into view.
 */
export async function screenshot(page: Page, view: string, at?: Locator): Promise<string> {
  const size = page.viewportSize();
  if (size?.width !== VIEWPORT.width || size.height !== VIEWPORT.height) throw new Error(`screenshot of ${view}: viewport is ${JSON.stringify(size)}, not 1280x720`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${view}.png`);
  if (at) await at.scrollIntoViewIfNeeded();
  else await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}
