import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Browser tests drive Debian's `chromium` package through playwright-core (no browser download). In CI
// (`CI=true`) a missing Chromium is an installation fault and must fail loudly; on a developer's machine
// without it the browser tests are skipped, and the suite's name says why.

export const CHROMIUM_PATH = '/usr/bin/chromium';

const present = fs.existsSync(CHROMIUM_PATH);
const required = process.env.CI === 'true';

/** Whether the browser tests run here; when they are skipped, the reason to show in the suite's name. */
export const chromiumTests: { run: boolean; skipReason: string } = {
  run: present || required,
  skipReason: present || required ? '' : ` (skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium)`,
};
if (!chromiumTests.run) console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; under CI=true they fail instead)`);

export async function launchChromium(): Promise<Browser> {
  if (!present) {
    throw new Error(
      `Chromium is missing: ${CHROMIUM_PATH} does not exist. CI must install Debian's chromium package before the tests (.ci/run does: apt-get install chromium)`,
    );
  }
  // The tests run as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'], timeout: 60_000 });
}

/**
 * Collects what must never happen on a page: uncaught script errors, Content-Security-Policy violations and
 * dialogs (an injected `alert()`). The favicon the browser asks for on its own is not the page's doing.
 */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { problems };
}
