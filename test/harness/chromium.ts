import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
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

/**
 * A full-page PNG in test-results/e2e. CSS transitions are finished first: a theme switched just
 * before would otherwise be caught half-way (light buttons on a dark page).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** The page as it is, once light and once dark (`<name>-light.png`, `<name>-dark.png`), then light again. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
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

/**
 * Scrolls a lazily loaded list to its end again and again until its last row (matched by
 * `rowSelector`) contains `lastText` or `timeoutMs` passes; returns the last row's text so the
 * test asserts what it expects of it.
 */
export async function scrollUntilLoaded(
  list: Locator,
  rowSelector: string,
  lastText: string,
  timeoutMs = 120_000,
): Promise<string> {
  const started = Date.now();
  let last = '';
  while (!last.includes(lastText) && Date.now() - started < timeoutMs) {
    last = await list.evaluate((element, selector) => {
      element.scrollTop = element.scrollHeight;
      const rows = element.querySelectorAll(selector);
      return rows[rows.length - 1]?.textContent ?? '';
    }, rowSelector);
    await list.page().waitForTimeout(20);
  }
  return last;
}

export type FrameStats = { frames: number; median: number; p95: number };

/**
 * Flings a scrolling list: from the top, `pxPerFrame` further on every animation frame (wrapping
 * at the end) for `frames` frames, and returns the frame times (ms) without the first five
 * (warm-up). Tests print these; timing targets live in bench/, never in a test's assertions.
 */
export async function flingFrameTimes(list: Locator, frames: number, pxPerFrame: number): Promise<FrameStats> {
  const times = await list.evaluate(
    (element, { frames, pxPerFrame }) =>
      new Promise<number[]>((resolve) => {
        const measured: number[] = [];
        let previous = performance.now();
        element.scrollTop = 0;
        const step = (now: number): void => {
          measured.push(now - previous);
          previous = now;
          element.scrollTop = (measured.length * pxPerFrame) % element.scrollHeight;
          if (measured.length < frames) requestAnimationFrame(step);
          else resolve(measured.slice(5));
        };
        requestAnimationFrame(step);
      }),
    { frames, pxPerFrame },
  );
  const sorted = [...times].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
  };
}
