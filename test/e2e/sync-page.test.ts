import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { collectPageErrors, launchChromium, screenshot } from '../harness/chromium.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// A mailbox connected through the Settings form and synced from a real Dovecot, watched on the
// Sync page: the real renderer in Chromium, browser mode, gnome-keyring and Dovecot.
const EMAIL = 'alice@example.test';
const INBOX_COUNT = 260;
const SENT_COUNT = 40;
const TOTAL = INBOX_COUNT + SENT_COUNT;

let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

const alice = () => dovecot.users[0]!;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  // Recent dates: the default sync window is the last 12 months.
  const now = Date.now();
  const message = (folder: string, i: number) =>
    buildMessage({
      subject: `${folder} message ${i}`,
      from: folder === 'Sent' ? `Alice <${EMAIL}>` : 'Carol <carol@acme.test>',
      to: folder === 'Sent' ? 'Carol <carol@acme.test>' : `Alice <${EMAIL}>`,
      date: new Date(now - i * 3_600_000),
    });
  await appendMessages(
    imap,
    'INBOX',
    Array.from({ length: INBOX_COUNT }, (_, i) => message('INBOX', i)),
  );
  await appendMessages(
    imap,
    'Sent',
    Array.from({ length: SENT_COUNT }, (_, i) => message('Sent', i)),
  );
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  // Tall: the page scrolls inside .content, so a full-page screenshot shows only the viewport.
  context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  page = await context.newPage();
  errors = collectPageErrors(page);
  await page.goto(app.launchUrl);
});
afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await imap?.logout().catch(() => undefined);
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

/** Fills the add-account form for the harness Dovecot (implicit TLS on its random port). */
async function fillAccountForm(password: string, withCertificate: boolean): Promise<void> {
  await page.getByTestId('add-account-email').fill(EMAIL);
  await page.getByTestId('add-account-host').fill(dovecot.host);
  await page.getByTestId('add-account-security-tls').check();
  await page.getByTestId('add-account-port').fill(String(dovecot.imapsPort));
  await page.getByTestId('add-account-user').fill(alice().user);
  await page.getByTestId('add-account-password').fill(password);
  const ca = page.getByTestId('add-account-ca');
  if (withCertificate) {
    if (!(await ca.isVisible())) await page.getByTestId('add-account-advanced').click();
    await ca.fill(dovecot.caCertPem);
  } else if (await ca.isVisible()) {
    await ca.fill('');
  }
}

describe('mail accounts and the Sync page', () => {
  it('onboards and finds no mailbox yet', async () => {
    await page.getByTestId('onboarding-name').fill('Ada Lovelace');
    await page.getByTestId('onboarding-create').click();
    await page.getByTestId('recovery-confirm').check();
    await page.getByTestId('recovery-continue').click();
    await page.getByTestId('app-frame').waitFor();

    await page.getByTestId('nav-sync').click();
    await page.getByTestId('sync-empty').waitFor();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-accounts-empty').waitFor();
  });

  it('defaults the port to the security choice until a port is typed, and the user name to the email', async () => {
    const port = page.getByTestId('add-account-port');
    expect(await port.inputValue()).toBe('993');
    await page.getByTestId('add-account-security-starttls').check();
    expect(await port.inputValue()).toBe('143');
    await port.fill('10143');
    await page.getByTestId('add-account-security-tls').check();
    expect(await port.inputValue()).toBe('10143');
    await page.getByTestId('add-account-email').fill(EMAIL);
    expect(await page.getByTestId('add-account-user').inputValue()).toBe(EMAIL);
  });

  it('refuses an untrusted certificate and points to the Advanced field', async () => {
    await fillAccountForm(alice().password, false);
    await page.getByTestId('add-account-submit').click();
    const alert = page.getByTestId('add-account-error');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/certificate is not trusted/);
    // The Advanced section opened by itself, and nothing was saved.
    expect(await page.getByTestId('add-account-ca').isVisible()).toBe(true);
    expect(await page.getByTestId('add-account-password').inputValue()).toBe('');
    expect(await page.getByTestId(`account-row-${EMAIL}`).count()).toBe(0);
  });

  it('shows the AUTH message for a wrong password and clears the password', async () => {
    await fillAccountForm('not-the-password', true);
    await page.getByTestId('add-account-submit').click();
    const alert = page.getByTestId('add-account-error');
    await page.waitForFunction(() =>
      /refused the user name or password/.test(
        document.querySelector('[data-testid="add-account-error"]')?.textContent ?? '',
      ),
    );
    expect(await alert.textContent()).toContain('The server refused the user name or password');
    expect(await page.getByTestId('add-account-password').inputValue()).toBe('');
    expect(await page.getByTestId(`account-row-${EMAIL}`).count()).toBe(0);
    await alert.scrollIntoViewIfNeeded();
    await screenshot(page, '12-add-account-error');
  });

  it('adds the account with the server certificate, then syncs every message', async () => {
    await fillAccountForm(alice().password, true);
    await page.getByTestId('add-account-submit').click();
    // Success goes to the Sync page.
    const card = page.getByTestId(`sync-account-${EMAIL}`);
    await card.waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/sync$/);

    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe(`${TOTAL} of ${TOTAL}`);
    const state = page.getByTestId(`sync-state-${EMAIL}`);
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toMatch(/Up to date|Watching for new mail/);

    const bar = page.getByTestId(`sync-progress-${EMAIL}`);
    expect(await bar.getAttribute('role')).toBe('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(TOTAL));
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(TOTAL));
    expect(await bar.getAttribute('aria-label')).toBeTruthy();
    expect(await page.getByTestId(`sync-folder-${EMAIL}-INBOX`).textContent()).toContain(
      `${INBOX_COUNT} / ${INBOX_COUNT}`,
    );
    expect(await page.getByTestId(`sync-folder-${EMAIL}-Junk`).textContent()).toContain('not synced');
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);
    await screenshot(page, '11-sync-progress');

    await page.getByTestId('nav-settings').click();
    const row = page.getByTestId(`account-row-${EMAIL}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('localhost');
    await screenshot(page, '10-settings-accounts');
  });

  it('removes the account after confirming, and the Sync page is empty again', async () => {
    await page.getByTestId(`account-remove-${EMAIL}`).click();
    // Security has its own (closed) confirm dialog: look inside the accounts section.
    const dialog = page.getByTestId('settings-accounts').getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Nothing is deleted from the server');
    await dialog.getByTestId('confirm-accept').click();
    await page.getByTestId('settings-account-removed').waitFor();
    expect(await page.getByTestId(`account-row-${EMAIL}`).count()).toBe(0);
    await page.getByTestId('nav-sync').click();
    await page.getByTestId('sync-empty').waitFor();
    expect(errors).toEqual([]);
  });
});
