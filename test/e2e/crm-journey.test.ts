import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// A sales rep's first session, all through the UI of the real renderer in Chromium (browser mode,
// the compiled core, a real Dovecot mailbox): connect the mailbox in Settings, watch the people
// written to become contacts, open one and read the conversation on its timeline, open a deal for
// them and drag it along the pipeline, search the mail as you type, and export the contacts as CSV.
// The pieces have their own deeper tests; this one proves they fit together for a user.

let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();
const EMAIL = 'alice@example.test';

/** What the page shows, waited for generously: the sync, the linker and the indexer run in the background. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 250 });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  await appendMessages(imap, 'Sent', [
    buildMessage({
      subject: 'Wombat habitat proposal',
      messageId: 'proposal@example.test',
      from: `Alice <${EMAIL}>`,
      to: 'Priya Raman <priya@initech.test>',
      body: 'Hi Priya, here is our proposal for the wombat habitat, with the timeline we discussed.',
      date: daysAgo(9),
    }),
    buildMessage({
      subject: 'Intro call',
      messageId: 'intro@example.test',
      from: `Alice <${EMAIL}>`,
      // A display name that a spreadsheet would run as a formula, were it exported as typed.
      to: 'Marcus Bell <marcus@hooli.test>, "=SUM(1+1)" <cfo@hooli.test>',
      body: 'Marcus, great to meet you. Next steps attached.',
      date: daysAgo(7),
    }),
  ]);
  await appendMessages(imap, 'INBOX', [
    buildMessage({
      subject: 'Re: Wombat habitat proposal',
      messageId: 'reply@initech.test',
      from: 'Priya Raman <priya@initech.test>',
      to: EMAIL,
      inReplyTo: 'proposal@example.test',
      references: 'proposal@example.test',
      body: 'Thanks Alice, the wombats are thrilled. Let us sign before the quarter ends.',
      date: daysAgo(2),
    }),
    buildMessage({
      subject: 'Your weekly digest',
      messageId: 'digest@news.test',
      from: 'News <noreply@news.test>',
      to: EMAIL,
      body: 'Wombat facts of the week.',
      date: daysAgo(1),
      headers: { 'List-Unsubscribe': '<mailto:unsubscribe@news.test>' },
    }),
  ]);
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await imap?.logout();
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

const column = (name: string): Locator => page.locator(`[data-testid="deal-column"][data-stage-name="${name}"]`);
const namesIn = (name: string): Promise<string[]> => column(name).locator('.deal-card-name').allTextContents();

describe('a first session with Clientele', () => {
  it('connects the mailbox in Settings and sees the people written to become contacts', async () => {
    await onboard(page);
    await page.getByTestId('nav-settings').click();
    const user = dovecot.users[0]!;
    await page.getByTestId('add-account-email').fill(EMAIL);
    await page.getByTestId('add-account-host').fill(dovecot.host);
    await page.getByTestId('add-account-security-tls').check();
    await page.getByTestId('add-account-port').fill(String(dovecot.imapsPort));
    await page.getByTestId('add-account-user').fill(user.user);
    await page.getByTestId('add-account-password').fill(user.password);
    if (!(await page.getByTestId('add-account-ca').isVisible())) await page.getByTestId('add-account-advanced').click();
    await page.getByTestId('add-account-ca').fill(dovecot.caCertPem);
    await page.getByTestId('add-account-submit').click();
    // A good login goes to the Sync page, where the mailbox fills.
    await page.getByTestId(`sync-account-${EMAIL}`).waitFor({ timeout: 30_000 });
    await poll(() => page.getByTestId(`sync-count-${EMAIL}`).textContent()).toBe('4 of 4');
    await screenshot(page, 'journey-0-sync');

    await page.getByTestId('nav-contacts').click();
    const rows = page.getByTestId('contacts-row');
    // The three people Alice wrote to; never the newsletter (bulk) nor Alice herself.
    await poll(async () => (await rows.allTextContents()).map((text) => text.replace(/\s+/g, ' ')).sort()).toEqual([
      expect.stringContaining('=SUM(1+1)'),
      expect.stringContaining('Marcus Bell'),
      expect.stringContaining('Priya Raman'),
    ]);
    await screenshot(page, 'journey-1-contacts');
  });

  it('opens a contact and reads the conversation on its timeline', async () => {
    await page.getByTestId('contacts-row').filter({ hasText: 'Priya Raman' }).click();
    const contact = page.getByTestId('page-contact');
    await contact.waitFor();
    expect(await contact.getByTestId('record-name').textContent()).toBe('Priya Raman');
    expect(await contact.getByTestId('contact-company').textContent()).toContain('Initech');
    const thread = contact.getByTestId('feed-thread');
    await poll(() => thread.count()).toBe(1);
    // One thread: the proposal and its reply, grouped.
    expect(await thread.textContent()).toContain('Wombat habitat proposal');
    expect(await thread.textContent()).toContain('2');
    await screenshot(page, 'journey-2-contact');
  });

  it('opens a deal for the contact and drags it along the pipeline', async () => {
    await page.getByTestId('nav-deals').click();
    // No deals yet: the page says so and offers to add one.
    await page.getByTestId('deals-empty').waitFor();
    await page.getByTestId('new-deal').click();
    const dialog = page.getByTestId('new-deal-dialog');
    await dialog.getByTestId('deal-name').fill('Initech wombat habitat');
    await dialog.getByTestId('deal-amount').fill('48000');
    await dialog.getByTestId('deal-currency').fill('EUR');
    await dialog.getByTestId('deal-stage').selectOption({ label: 'Lead' });
    await dialog.getByTestId('deal-contact-search').fill('Priya');
    await dialog.locator('.picker-result').filter({ hasText: 'Priya Raman' }).click();
    await dialog.getByTestId('deal-submit').click();
    await poll(() => namesIn('Lead')).toEqual(['Initech wombat habitat']);

    const card = page.getByTestId('deal-card').filter({ hasText: 'Initech wombat habitat' });
    const start = (await card.boundingBox())!;
    const end = (await column('Proposal').boundingBox())!;
    await page.mouse.move(start.x + start.width / 2, start.y + 12);
    await page.mouse.down();
    await page.mouse.move(start.x + start.width / 2 + 10, start.y + 20, { steps: 4 });
    await page.mouse.move(end.x + end.width / 2, end.y + end.height - 20, { steps: 15 });
    await page.mouse.up();
    await poll(() => namesIn('Proposal')).toEqual(['Initech wombat habitat']);
    expect(await namesIn('Lead')).toEqual([]);
    // The move is in the store: after a reload the board still says so.
    await page.reload();
    await page.getByTestId('deal-board').waitFor();
    await poll(() => namesIn('Proposal')).toEqual(['Initech wombat habitat']);
    await screenshot(page, 'journey-3-deals');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('deals-export').click()]);
    const deals = readFileSync(await download.path(), 'utf8');
    expect(deals).toContain('Initech wombat habitat');
    expect(deals).toContain('Proposal');
  });

  it('searches the mail as the user types and opens a hit', async () => {
    await page.keyboard.press('/');
    const input = page.getByTestId('search-input');
    await poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await input.pressSequentially('womb', { delay: 40 });
    const hits = page.getByTestId('search-hit');
    // "womb" as a prefix: the proposal, the reply and the digest all say wombat.
    await poll(() => hits.count()).toBe(3);
    expect(await page.locator('[data-testid="search-hit"] mark').first().textContent()).toMatch(/^wombat/i);
    await hits.filter({ hasText: 'Re: Wombat habitat proposal' }).click();
    await poll(async () => (await page.locator('.search-page').textContent()) ?? '').toContain(
      'the wombats are thrilled',
    );
    await screenshot(page, 'journey-4-search');
  });

  it('exports the contacts as a CSV file, formula cells neutralized', async () => {
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-row').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('contacts-export').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(4);
    expect(csv).toContain("'=SUM(1+1)");
    expect(csv).not.toMatch(/(^|,)"?=SUM/m);
    expect(csv).toContain('priya@initech.test');
    expect(csv).toContain('marcus@hooli.test');
    expect(csv).not.toContain('noreply@news.test');
    expect(errors).toEqual([]);
  });
});
