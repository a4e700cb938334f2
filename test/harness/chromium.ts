import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './cli.js';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');

/** Debian's chromium, headless, with the flags this closed network needs (shared/NOTES.md). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      'Chromium is needed for the e2e tests: run `npm test` as root (it installs it) or apt-get install chromium',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Console errors, CSP violations and uncaught exceptions of a page: an e2e test expects none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * A new browser context on the app's launch link, tall because the page scrolls inside .content
 * (a full-page screenshot shows only the viewport), with its page's errors collected.
 */
export async function openAppWindow(
  browser: Browser,
  launchUrl: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(launchUrl);
  return { context, page, errors };
}

/** Onboarding as a user goes through it: a name, the new profile, the recovery key confirmed. */
export async function onboard(page: Page, name = 'Ada Lovelace'): Promise<void> {
  await page.getByTestId('onboarding-name').fill(name);
  await page.getByTestId('onboarding-create').click();
  await page.getByTestId('recovery-confirm').check();
  await page.getByTestId('recovery-continue').click();
  await page.getByTestId('app-frame').waitFor();
}
