import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// A mailbox connected through the Settings form and synced from a real Dovecot, watched on the
// Sync page: the real renderer in Chromium, browser mode, gnome-keyring and Dovecot.
const EMAIL = 'alice@example.test';
const INBOX_COUNT = 260;
const SENT_COUNT = 40;
/** In Junk, which is not synced until it is turned on. */
const JUNK_COUNT = 5;
/** In Archive, two years old: outside the default 12-month window until Settings widens it. */
const OLD_ARCHIVE_COUNT = 6;
const TOTAL = INBOX_COUNT + SENT_COUNT;
const NEW_PASSWORD = 'alice-new-password';

let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

// Dovecot checks that it is up by logging in as its first user: not Alice, whose password changes.
const alice = () => dovecot.users[1]!;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  dovecot = await startDovecot({
    users: [
      { user: 'probe', password: 'probe-password' },
      { user: 'alice', password: 'alice-password' },
    ],
  });
  imap = await connectImap(dovecot, alice());
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
  await appendMessages(
    imap,
    'Junk',
    Array.from({ length: JUNK_COUNT }, (_, i) => message('Junk', i)),
  );
  // SEARCH SINCE reads the internal date: appended with their own date, as a server that has had them for years.
  const twoYearsAgo = new Date(now - 730 * 86_400_000);
  for (let i = 0; i < OLD_ARCHIVE_COUNT; i++) {
    await imap.append('Archive', buildMessage({ subject: `Archived ${i}`, date: twoYearsAgo }), [], twoYearsAgo);
  }
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
});
afterAll(() => stopServices({ context, app, browser, imap, dovecot, keyring, data }));

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
    await onboard(page);

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
    // Archive holds only older mail: not "empty", but nothing since the window's start.
    const windowLine = page.getByTestId(`sync-window-${EMAIL}`);
    expect(await windowLine.textContent()).toMatch(/^Mail since .*\d{4}.*change$/);
    expect(await page.getByTestId(`sync-folder-${EMAIL}-Archive`).textContent()).toMatch(/nothing since .*\d{4}/);
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);
    await screenshot(page, '11-sync-progress');

    await page.getByTestId('nav-settings').click();
    const row = page.getByTestId(`account-row-${EMAIL}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('localhost');
    await screenshot(page, '10-settings-accounts');
  });

  it('turns Junk on from its row (synced at once), then off again (its mail kept)', async () => {
    await page.getByTestId('nav-sync').click();
    const toggle = page.getByRole('checkbox', { name: 'Sync Junk' });
    const row = page.getByTestId(`sync-folder-${EMAIL}-Junk`);
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Sync INBOX' }).isChecked()).toBe(true);

    await toggle.check();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain(`${JUNK_COUNT} / ${JUNK_COUNT}`);
    await expect.poll(() => count.textContent()).toBe(`${TOTAL + JUNK_COUNT} of ${TOTAL + JUNK_COUNT}`);
    expect(await toggle.isChecked()).toBe(true);
    await screenshot(page, '15-sync-folder-toggle');

    await toggle.uncheck();
    await expect.poll(() => row.textContent()).toContain(`not synced, ${JUNK_COUNT} messages kept`);
    await expect.poll(() => count.textContent()).toBe(`${TOTAL} of ${TOTAL}`);
    expect(await page.getByTestId(`sync-folder-error-${EMAIL}`).count()).toBe(0);
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await screenshot(page, '15-sync-folder-toggle-off-dark');
    await page.emulateMedia({ colorScheme: null, reducedMotion: null });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId(`account-row-${EMAIL}`).waitFor();
  });

  it('edits the account: a refused password changes nothing, STARTTLS on another port is saved', async () => {
    // Still on Settings, after the account was added.
    const row = page.getByTestId(`account-row-${EMAIL}`);
    expect(await row.textContent()).toContain(`localhost:${dovecot.imapsPort} · TLS`);
    await page.getByTestId(`account-edit-${EMAIL}`).click();
    const form = page.getByTestId('edit-account-form');
    await form.waitFor();
    expect(await page.getByTestId('edit-account-host').inputValue()).toBe(dovecot.host);
    expect(await page.getByTestId('edit-account-port').inputValue()).toBe(String(dovecot.imapsPort));
    expect(await page.getByTestId('edit-account-security-tls').isChecked()).toBe(true);
    expect(await page.getByTestId('edit-account-user').inputValue()).toBe(alice().user);
    expect(await page.getByTestId('edit-account-password').inputValue()).toBe('');
    expect(await form.textContent()).toContain('Leave empty to keep the current password');
    await page.getByTestId('edit-account-advanced').click();
    expect(await form.textContent()).toContain('A custom certificate is trusted for this server');
    expect(await page.getByTestId('edit-account-system-ca').isChecked()).toBe(false);

    // A wrong password: refused by the server, and nothing is saved.
    await page.getByTestId('edit-account-password').fill('not-the-password');
    await page.getByTestId('edit-account-submit').click();
    const alert = page.getByTestId('edit-account-error');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The server refused the user name or password');
    expect(await page.getByTestId('edit-account-password').inputValue()).toBe('');
    expect(await page.getByTestId('edit-account-saved').count()).toBe(0);
    expect(await row.textContent()).toContain(`localhost:${dovecot.imapsPort} · TLS`);
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, '13-edit-account');
    // Reduced motion: no colour transitions caught halfway in the dark screenshot.
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await screenshot(page, '13-edit-account-dark');
    await page.emulateMedia({ colorScheme: null, reducedMotion: null });

    // The stored password still works: a sync after the refused change succeeds.
    await page.getByTestId('edit-account-cancel').click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('nav-sync').click();
    const last = page.getByTestId(`sync-last-${EMAIL}`);
    const before = await last.getAttribute('datetime');
    await page.getByTestId(`sync-now-${EMAIL}`).click();
    await expect.poll(() => last.getAttribute('datetime'), { timeout: 30_000 }).not.toBe(before);
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);

    // STARTTLS on Dovecot's cleartext port, without typing the password again: saved.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId(`account-edit-${EMAIL}`).click();
    await form.waitFor();
    await page.getByTestId('edit-account-security-starttls').check();
    await page.getByTestId('edit-account-port').fill(String(dovecot.imapPort));
    await page.getByTestId('edit-account-submit').click();
    await page.getByTestId('edit-account-saved').waitFor({ timeout: 30_000 });
    expect(await form.count()).toBe(0);
    await expect.poll(() => row.textContent()).toContain(`localhost:${dovecot.imapPort} · STARTTLS`);

    await page.getByTestId('nav-sync').click();
    const state = page.getByTestId(`sync-state-${EMAIL}`);
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toMatch(/Up to date|Watching for new mail/);
    expect(await page.getByTestId(`sync-count-${EMAIL}`).textContent()).toBe(`${TOTAL} of ${TOTAL}`);
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);
  });

  it('leads from a refused password on the Sync page to the edit form, and syncs again', async () => {
    // The password changes on the server; a restart drops the connections Clientele holds.
    dovecot.setPassword('alice', NEW_PASSWORD);
    await dovecot.restart({ hard: true });
    // The push connection reports the refused login on its own too; Sync now is the quicker path.
    await page.getByTestId(`sync-now-${EMAIL}`).click();
    const fix = page.getByTestId(`sync-fix-${EMAIL}`);
    await fix.waitFor({ timeout: 30_000 });
    expect(await fix.textContent()).toBe('Update the password');
    expect(await page.getByTestId(`sync-error-${EMAIL}`).textContent()).toContain('refused the user name or password');
    await page.getByTestId(`sync-error-${EMAIL}`).scrollIntoViewIfNeeded();
    await screenshot(page, '14-sync-fix');

    await fix.click();
    await page.getByTestId('edit-account-form').waitFor();
    expect(page.url()).toMatch(/#\/settings\?edit=.+&fix=password$/);
    // The form opens at the password.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('edit-account-password');
    await page.getByTestId('edit-account-password').fill(NEW_PASSWORD);
    await page.getByTestId('edit-account-submit').click();
    await page.getByTestId('edit-account-saved').waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/settings$/);

    await page.getByTestId('nav-sync').click();
    const state = page.getByTestId(`sync-state-${EMAIL}`);
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toMatch(/Up to date|Watching for new mail/);
    expect(await page.getByTestId(`sync-error-${EMAIL}`).count()).toBe(0);
    await page.getByTestId('nav-settings').click();
  });

  it('shows new mail as it arrives: pushed by the server, announced by the core, no polling', async () => {
    await page.getByTestId('nav-sync').click();
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${TOTAL} of ${TOTAL}`);
    const fresh = await connectImap(dovecot, alice());
    await appendMessages(fresh, 'INBOX', [
      buildMessage({ subject: 'Just arrived', from: 'Carol <carol@acme.test>', to: `Alice <${EMAIL}>` }),
    ]);
    await fresh.logout();
    // IDLE brings it to the core within a second or so and the page's sync.changed event redraws
    // it; the page's own poll is 30 s apart, far beyond this wait.
    await expect.poll(() => count.textContent(), { timeout: 8000 }).toBe(`${TOTAL + 1} of ${TOTAL + 1}`);
    await page.getByTestId('nav-settings').click();
  });

  it('fills in the older mail when Settings widens the window to everything', async () => {
    await page.getByTestId('nav-sync').click();
    await page.getByTestId(`sync-window-${EMAIL}`).getByRole('link', { name: 'change' }).click();
    await page.getByTestId('settings-backfill-everything').check();
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-saved').textContent()).toContain('Saved');

    // Saving runs a pass at once: the old Archive mail comes in without waiting for the next poll.
    await page.getByTestId('nav-sync').click();
    const all = TOTAL + 1 + OLD_ARCHIVE_COUNT;
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${all} of ${all}`);
    expect(await page.getByTestId(`sync-window-${EMAIL}`).textContent()).toMatch(/^The whole mailbox/);
    expect(await page.getByTestId(`sync-folder-${EMAIL}-Archive`).textContent()).toContain(
      `${OLD_ARCHIVE_COUNT} / ${OLD_ARCHIVE_COUNT}`,
    );
    await screenshot(page, '16-sync-window-widened');
    await page.getByTestId('nav-settings').click();
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
