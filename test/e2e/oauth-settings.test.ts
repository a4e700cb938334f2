import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GMAIL_SCOPES, GRAPH_SCOPES } from '../../main/sync/oauth/providers.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { envFor, startFakeOAuthProvider, type FakeOAuthProvider } from '../harness/oauth-provider.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Settings → Mail accounts → "Connect Gmail" in Chromium, browser mode: the app opens the
// provider's page in a new tab, the (fake) provider consents and redirects to the core's loopback
// listener, the tab says it can be closed, and the Settings page shows the new account.
let keyring: SecretService;
let google: FakeOAuthProvider;
let microsoft: FakeOAuthProvider;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  google = await startFakeOAuthProvider({
    clientId: 'gmail-desktop',
    clientSecret: 'gmail-secret',
    scopes: GMAIL_SCOPES,
  });
  microsoft = await startFakeOAuthProvider({ clientId: 'graph-public', scopes: GRAPH_SCOPES });
  browser = await launchChromium();
  app = await startBrowserMode(data.path, {
    ...keyring.env,
    ...envFor('CLIENTELE_GMAIL', google),
    ...envFor('CLIENTELE_GRAPH', microsoft),
  });
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
});
afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await google?.close();
  await microsoft?.close();
  await keyring?.stop();
  data.remove();
});

describe('Connect Gmail / Microsoft 365 in Settings', () => {
  it('shows the connect buttons under Mail accounts', async () => {
    await onboard(page);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-accounts-empty').waitFor();
    expect(await page.getByTestId('oauth-connect-gmail').textContent()).toBe('Connect Gmail');
    expect(await page.getByTestId('oauth-connect-graph').textContent()).toBe('Connect Microsoft 365');
    await page.getByTestId('oauth-connect').scrollIntoViewIfNeeded();
    await screenshot(page, '20-settings-connect-oauth');
  });

  it('connects Gmail: the sign-in tab comes back to the loopback listener, the account appears', async () => {
    const tabOpened = context.waitForEvent('page');
    await page.getByTestId('oauth-connect-gmail').click();
    const tab = await tabOpened;
    // The fake consents at once and redirects to http://127.0.0.1:<port>/oauth/callback.
    await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/);
    expect(await tab.textContent('body')).toContain('You can close this tab');
    await page.getByTestId('oauth-connected').waitFor();
    await page.getByTestId('account-row-alice@example.test').waitFor();
    expect(await page.getByTestId('account-row-alice@example.test').textContent()).toContain('Gmail');
    await tab.close();
    await screenshot(page, '21-settings-gmail-connected');
  });

  it('waits with a Cancel button, and cancelling stops the sign-in', async () => {
    // A provider page that never comes back: the tab is closed by the test before it loads.
    const tabOpened = context.waitForEvent('page');
    await context.route(/\/authorize\?/, (route) => route.abort());
    await page.getByTestId('oauth-connect-graph').click();
    const tab = await tabOpened;
    await page.getByTestId('oauth-waiting').waitFor();
    expect(await page.getByTestId('oauth-connect-graph').isDisabled()).toBe(true);
    await screenshot(page, '22-settings-oauth-waiting');
    await page.getByTestId('oauth-cancel').click();
    await page.getByTestId('oauth-waiting').waitFor({ state: 'detached' });
    expect(await page.getByTestId('oauth-connect-graph').isDisabled()).toBe(false);
    await tab.close();
    await context.unroute(/\/authorize\?/);
  });

  it('says so when access is denied in the browser', async () => {
    microsoft.auth.user = null;
    const tabOpened = context.waitForEvent('page');
    await page.getByTestId('oauth-connect-graph').click();
    const tab = await tabOpened;
    await tab.waitForURL(/\/oauth\/callback\?/);
    const alert = page.getByTestId('oauth-error');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Access was not granted/);
    await tab.close();
    await screenshot(page, '23-settings-oauth-denied');
    expect(errors).toEqual([]);
  });
});
