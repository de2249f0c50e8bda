import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumProgram } from './system-program.ts';

// Browser tests drive Debian's `chromium` package through playwright-core (no browser download). Without it
// they are skipped outside CI and fail under CI=true (test/helpers/system-program.ts); CHROMIUM_PATH overrides
// where it is looked for.

export { chromiumProgram } from './system-program.ts';

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumProgram.require();
  // The tests run as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath, args: ['--no-sandbox'], timeout: 60_000 });
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
