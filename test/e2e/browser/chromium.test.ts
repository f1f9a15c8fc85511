import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { findChromium } from './chromium';

/** Which Chromium the browser tests get: the npm-shipped one by default, and a clear failure otherwise. */
describe('findChromium', () => {
  it('finds the Chromium that npm ci installed, unpacked and executable', async () => {
    const found = await findChromium({ PATH: '' });
    expect(found.source).toBe('npm');
    expect(found.path).toMatch(/node_modules\/\.cache\/frontmaster-browser\/sparticuz-chromium-[\d.]+\/chromium$/);
    expect(() => accessSync(found.path, constants.X_OK)).not.toThrow();
  });

  it('fails, saying how to get a browser, when CHROMIUM_PATH names nothing', async () => {
    await expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium', PATH: '' })).rejects.toThrow(
      /^CHROMIUM_PATH=\/nonexistent\/chromium does not exist; .*npm ci.*apt-get install -y chromium.*CHROMIUM_PATH/,
    );
  });
});
