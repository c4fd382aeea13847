// The one way the browser tests start Chromium (`npm run test:browser`).
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, as `.ci/run` does), or the one `CHROMIUM_PATH` names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts headless Chromium for a test: no background traffic (this machine
 * has no internet, and Chromium's own calls would be refused), no first-run
 * pages, and no sandbox, which cannot start when CI runs as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
      '--no-sandbox',
    ],
  });
}
