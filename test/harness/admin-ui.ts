import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectPageErrors } from './chromium.js';

/**
 * The team server's admin web UI in its own browser context (its own cookie jar, so an admin here
 * and a rep in the desktop app's window never share a session). `forwardedFor` sets X-Forwarded-For
 * on every request: with a server started with trustProxy, the page then comes "from" that address
 * (how the IP allowlist tests reach a non-loopback address on one machine).
 */
export async function openAdminUi(
  browser: Browser,
  url: string,
  options: { forwardedFor?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1100 },
    ...(options.forwardedFor ? { extraHTTPHeaders: { 'x-forwarded-for': options.forwardedFor } } : {}),
  });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(url);
  return { context, page, errors };
}

/** Signs in with a password on the admin UI's sign-in page (an account without 2FA). */
export async function signInWithPassword(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.getByTestId('sign-in-email').fill(account.email);
  await page.getByTestId('sign-in-password').fill(account.password);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * A page's errors less Chromium's "Failed to load resource: ... 4xx" lines: the admin pages meet
 * refusals on purpose (no session yet, a refused password or allowlist), and the tests assert those
 * through what the page shows. Anything else (an exception, a CSP violation) stays.
 */
export function unexpected(errors: readonly string[]): string[] {
  return errors.filter(
    (error) => !/^Failed to load resource: the server responded with a status of 4\d\d /.test(error),
  );
}
