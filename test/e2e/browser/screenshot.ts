import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { VIEWPORT } from './browser';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'screenshots');

/**
 * docs/screenshots/{view}.png: what the view looks like at 1280x720 (the viewport, not the whole
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
