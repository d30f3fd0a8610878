import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Where the page suites leave their screenshots (tmp/screenshots at the repository root). */
export const SCREENSHOTS = path.resolve(__dirname, '../../../../tmp/screenshots');

/** Chromium (CHROMIUM_PATH, /usr/bin/chromium by default) for a page suite, with the screenshots folder made. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // As root in a closed network: no sandbox, no GPU, no background calls out.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return browser;
}
