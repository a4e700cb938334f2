import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';
import { gmailFakeConfig, providerEnv } from '../fakes/provider-config.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// A Gmail mailbox in the app (browser mode, Chromium) from sign-in to a revoked grant and back:
// connect in Settings, watch it sync on the Sync page, lose access at Google, follow the page's
// "Reconnect" to Settings, sign in again, and the sync goes on with the mail already there.

const EMAIL = 'alice@example.test';
const COUNT = 30;
let keyring: SecretService;
let gmail: FakeGmailServer;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  gmail = await FakeGmailServer.start();
  for (let i = 0; i < COUNT; i++) {
    const message = textMessage(i, Date.now() - 60_000);
    gmail.addMessage(message.raw, { labelIds: ['INBOX'], internalDate: message.date });
  }
  browser = await launchChromium();
  app = await startBrowserMode(data.path, {
    ...keyring.env,
    ...providerEnv('CLIENTELE_GMAIL', gmailFakeConfig(gmail)),
  });
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
});
afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await gmail?.close();
  await keyring?.stop();
  data.remove();
});

/** Clicks `button`, lets the (fake) provider consent in the tab it opens, waits for the callback. */
async function signInThrough(button: string): Promise<void> {
  const tabOpened = context.waitForEvent('page');
  await page.getByTestId(button).click();
  const tab = await tabOpened;
  await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/);
  expect(await tab.textContent('body')).toContain('You can close this tab');
  await tab.close();
}

describe('a Gmail account from sign-in to reconnect', () => {
  it('connects Gmail and syncs its mail', async () => {
    await onboard(page);
    await page.getByTestId('nav-settings').click();
    await signInThrough('oauth-connect-gmail');
    await page.getByTestId(`account-row-${EMAIL}`).waitFor();

    await page.getByTestId('nav-sync').click();
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${COUNT} of ${COUNT}`);
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);
  });

  it('shows a revoked grant on the Sync page with Reconnect, and reconnecting resumes the sync', async () => {
    gmail.oauth.revokeUser(EMAIL);
    gmail.oauth.expireAccessTokens();
    await page.getByTestId(`sync-now-${EMAIL}`).click();
    const notice = page.getByTestId(`sync-error-${EMAIL}`);
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toContain("Gmail no longer accepts Clientele's access");
    const fix = page.getByTestId(`sync-fix-${EMAIL}`);
    expect(await fix.textContent()).toBe('Reconnect');
    await screenshot(page, '24-sync-gmail-reconnect');

    await fix.click();
    await page.getByTestId(`account-reconnect-${EMAIL}`).waitFor();
    // New mail arrived meanwhile: it comes in once the account is reconnected.
    const fresh = textMessage(COUNT, Date.now());
    gmail.addMessage(fresh.raw, { labelIds: ['INBOX'], internalDate: fresh.date });
    await signInThrough(`account-reconnect-${EMAIL}`);

    await page.getByTestId('nav-sync').click();
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${COUNT + 1} of ${COUNT + 1}`);
    await expect.poll(() => page.getByTestId(`sync-error-${EMAIL}`).count(), { timeout: 30_000 }).toBe(0);
    await screenshot(page, '25-sync-gmail-reconnected');
    expect(errors).toEqual([]);
  });
});
