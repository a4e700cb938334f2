import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { collectPageErrors, launchChromium, screenshot } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The real renderer in Debian's Chromium, against browser mode (core + host as one Node process),
// with the real Secret Service: what a user on a machine without Electron goes through.
let keyring: SecretService;
let browser: Browser;
let app: RunningBrowserMode;
const data = makeTempDir();
let recoveryKey = '';

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
});
afterAll(async () => {
  await app?.stop();
  await browser?.close();
  await keyring?.stop();
  data.remove();
});

async function openApp(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(app.launchUrl);
  return { page, errors };
}

describe('browser mode in Chromium', () => {
  it('refuses a browser that has not opened the launch link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(app.origin);
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toMatch(/Open the link printed/);
    await context.close();
  });

  it('onboards: creates the profile and shows the recovery key once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await openApp(context);
    await page.getByTestId('onboarding-name').fill('Ada Lovelace');
    await screenshot(page, '01-onboarding');
    await page.getByTestId('onboarding-create').click();

    const keyElement = page.getByTestId('recovery-key');
    await keyElement.waitFor();
    recoveryKey = (await keyElement.textContent())!.replace(/\s+/g, '').replace(/-+/g, '-');
    expect(recoveryKey).toMatch(/^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$/);
    await screenshot(page, '02-recovery-key');

    const continueButton = page.getByTestId('recovery-continue');
    expect(await continueButton.isDisabled()).toBe(true);
    await page.getByTestId('recovery-confirm').check();
    await continueButton.click();
    await page.getByTestId('app-frame').waitFor();
    expect(await page.getByTestId('profile-name').textContent()).toContain('Ada Lovelace');
    await screenshot(page, '03-app-frame');

    // Reload: the store opens again from the keychain, and the key is not shown again.
    await page.reload();
    await page.getByTestId('app-frame').waitFor();
    const html = (await page.content()).replace(/[\s-]/g, '');
    expect(html).not.toContain(recoveryKey.replace(/-/g, ''));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('navigates the frame and applies the dark theme from Settings', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await openApp(context);
    await page.getByTestId('app-frame').waitFor();
    for (const name of ['contacts', 'companies', 'deals', 'search', 'sync', 'timeline']) {
      await page.getByTestId(`nav-${name}`).click();
      await page.getByTestId(`page-${name}`).waitFor();
    }
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('page-settings').waitFor();
    await page.getByTestId('settings-theme').selectOption('dark');
    await page.getByTestId('settings-save').click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, '04-settings-dark');
    await page.reload();
    await page.getByTestId('page-settings').waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the lock screen when the keychain lost the key, and recovers with the recovery key', async () => {
    await app.stop();
    const profile = JSON.parse(spawnSync('cat', [`${data.path}/profile.json`], { encoding: 'utf8' }).stdout) as {
      id: string;
    };
    const cleared = spawnSync('secret-tool', ['clear', 'service', 'Clientele', 'username', profile.id], {
      env: keyring.env,
    });
    expect(cleared.status).toBe(0);
    app = await startBrowserMode(data.path, keyring.env);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await openApp(context);
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('lock-code').textContent()).toContain('STORE_KEY_MISSING');
    await screenshot(page, '05-lock-screen');

    await page.getByTestId('recover-input').fill('AAAA-BBBB-CCCC');
    await page.getByTestId('recover-submit').click();
    await page.getByTestId('recover-error').waitFor();
    await screenshot(page, '06-recover-wrong-key');

    await page.getByTestId('recover-input').fill(recoveryKey.toLowerCase());
    await page.getByTestId('recover-submit').click();
    await page.getByTestId('app-frame').waitFor();
    expect(await page.getByTestId('profile-name').textContent()).toContain('Ada Lovelace');
    expect(errors).toEqual([]);
    await context.close();
  });
});
