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

// Blocking as a user does it, in Chromium against browser mode and a real Dovecot: "Block sender"
// in the message view asks with the number of messages it deletes, the timeline loses them, and
// Settings lists the block, blocks a domain and unblocks, each after a confirmation.
const EMAIL = 'alice@example.test';

let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();
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
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000);
  await appendMessages(imap, 'INBOX', [
    buildMessage({ from: 'Pushy Sales <pushy@spam.test>', to: EMAIL, subject: 'Last chance!', date: minutesAgo(1) }),
    buildMessage({ from: 'Carol <carol@acme.test>', to: EMAIL, subject: 'Lunch on Friday?', date: minutesAgo(2) }),
    buildMessage({ from: 'Pushy Sales <pushy@spam.test>', to: EMAIL, subject: 'Act now', date: minutesAgo(3) }),
    buildMessage({ from: 'Promo <promo@mail.offers.test>', to: EMAIL, subject: 'Weekly offers', date: minutesAgo(4) }),
    buildMessage({ from: 'Pushy Sales <pushy@spam.test>', to: EMAIL, subject: 'Following up', date: minutesAgo(5) }),
  ]);
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
}, 120_000);

afterAll(() => stopServices({ context, app, browser, imap, dovecot, keyring, data }));

describe('blocking senders', () => {
  it('blocks the sender of an open message after saying how many messages go', async () => {
    await onboard(page);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('add-account-email').fill(EMAIL);
    await page.getByTestId('add-account-host').fill(dovecot.host);
    await page.getByTestId('add-account-security-tls').check();
    await page.getByTestId('add-account-port').fill(String(dovecot.imapsPort));
    await page.getByTestId('add-account-user').fill(alice().user);
    await page.getByTestId('add-account-password').fill(alice().password);
    await page.getByTestId('add-account-advanced').click();
    await page.getByTestId('add-account-ca').fill(dovecot.caCertPem);
    await page.getByTestId('add-account-submit').click();
    const count = page.getByTestId(`sync-count-${EMAIL}`);
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe('5 of 5');

    await page.getByTestId('nav-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-count').textContent()).toBe('5 messages');
    await page.getByTestId('timeline-row').first().click();
    await expect.poll(() => page.getByTestId('message-subject').textContent()).toBe('Last chance!');
    await page.getByTestId('message-block-sender').click();
    await page.getByTestId('block-confirm-count').waitFor();
    expect(await page.getByTestId('block-confirm-count').textContent()).toContain(
      '3 messages from pushy@spam.test will be deleted from this computer',
    );
    await screenshot(page, '60-block-sender-confirm');
    await page.getByRole('dialog').getByTestId('confirm-accept').click();
    await page.getByTestId('message-sender-blocked').waitFor();
    expect(await page.getByTestId('message-sender-blocked').textContent()).toContain('pushy@spam.test is blocked');
    await expect.poll(() => page.getByTestId('timeline-count').textContent(), { timeout: 10_000 }).toBe('2 messages');
    await screenshot(page, '61-block-sender-done');
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await screenshot(page, '61-block-sender-done-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('lists blocks in Settings, blocks a domain and unblocks, each confirmed', async () => {
    await page.getByTestId('nav-settings').click();
    const row = page.getByTestId('blocked-row-pushy@spam.test');
    await row.waitFor();
    expect(await row.textContent()).toContain('3 messages kept out');

    await page.getByTestId('blocked-kind').selectOption('domain');
    await page.getByTestId('blocked-value').fill('offers.test');
    await page.getByTestId('blocked-submit').click();
    await page.getByTestId('block-confirm-count').waitFor();
    expect(await page.getByTestId('block-confirm-count').textContent()).toContain(
      '1 message from offers.test and its subdomains will be deleted',
    );
    await screenshot(page, '62-settings-block-domain-confirm');
    await page.getByRole('dialog').getByTestId('confirm-accept').click();
    await page.getByTestId('blocked-added').waitFor();
    await page.getByTestId('blocked-row-offers.test').waitFor();
    await page.getByTestId('settings-blocked').scrollIntoViewIfNeeded();
    await screenshot(page, '63-settings-blocked-senders');
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await screenshot(page, '64-settings-blocked-senders-dark');

    await page.getByTestId('blocked-remove-pushy@spam.test').click();
    await page.getByTestId('unblock-confirm-count').waitFor();
    expect(await page.getByTestId('unblock-confirm-count').textContent()).toContain(
      'copies the 3 messages it kept out',
    );
    await screenshot(page, '65-settings-unblock-confirm-dark');
    await page.getByRole('dialog').getByTestId('confirm-accept').click();
    await page.getByTestId('blocked-removed').waitFor();
    expect(await page.getByTestId('blocked-removed').textContent()).toContain('copies 3 messages from it again');
    await expect.poll(() => page.getByTestId('blocked-row-pushy@spam.test').count()).toBe(0);

    // Browser mode syncs in the background: the unblocked mail comes back without asking.
    await page.getByTestId('nav-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-count').textContent(), { timeout: 30_000 }).toBe('4 messages');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(errors).toEqual([]);
  });
});
