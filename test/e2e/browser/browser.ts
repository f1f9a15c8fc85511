import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium, HOW_TO_GET_ONE, type ChromiumExecutable } from './chromium';

/**
 * The flags this machine needs, as root: no sandbox (root), no GPU (none),
 * and none of Chromium's own calls home (the closed network refuses them, many at a time).
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // The preview players start muted by the page's own choice; this only keeps a headless run from
  // depending on the user-gesture rule for play().
  '--autoplay-policy=no-user-gesture-required',
];

/** The size the console must be usable at (issue 14), and the size of the screenshots. */
export const VIEWPORT = { width: 1280, height: 720 } as const;

/** What the console's players need: H.264 + AAC through Media Source Extensions (hls.js feeds MSE). */
const MSE_TYPE = 'video/mp4; codecs="avc1.64001f,mp4a.40.2"';

export interface BrowserSession {
  readonly executable: ChromiumExecutable;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile (its own --user-data-dir, removed at close), one context
 * at 1280x720 that accepts downloads. Fails, never skips, when no browser is there or it cannot play
 * H.264/AAC through MSE: a test that passes without a browser would prove nothing.
 */
export async function launchBrowser(): Promise<BrowserSession> {
  const executable = await findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'browser-profile-'));
  let context: BrowserContext;
  try {
    // launchPersistentContext is Playwright's way of giving Chromium a --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: executable.path,
      headless: true,
      args: FLAGS,
      viewport: VIEWPORT,
      acceptDownloads: true,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${executable.path} (${executable.source}) did not start: ${String(err)}; ${HOW_TO_GET_ONE}`, { cause: err });
  }
  const session: BrowserSession = {
    executable,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  const page = context.pages()[0] ?? (await context.newPage());
  const mse = await page.evaluate((type) => 'MediaSource' in globalThis && (globalThis as unknown as { MediaSource: { isTypeSupported(t: string): boolean } }).MediaSource.isTypeSupported(type), MSE_TYPE);
  if (!mse) {
    await session.close();
    throw new Error(`Chromium at ${executable.path} (${executable.source}) cannot play ${MSE_TYPE} through MSE; ${HOW_TO_GET_ONE}`);
  }
  return session;
}
