import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import type { ContactPage } from '../../common/domain/crm.js';
import type { SearchResults } from '../../common/domain/search.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, openAppWindow, screenshot } from '../harness/chromium.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The contact page, search as you type, the keyboard shortcuts and the reports page: the real
// renderer in Chromium on browser mode, over mail synced from a real Dovecot by the compiled core.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();
let danaId = 0;

/** Waits for what the page shows, generously: a loaded machine (the whole suite at once) is slow. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  await appendMessages(imap, 'Sent', [
    buildMessage({
      subject: 'Proposal for the quokka enclosure',
      messageId: 'proposal@example.test',
      from: 'Alice <alice@example.test>',
      to: 'Dana Scully <dana@globex.test>',
      body: 'Hi Dana, attached is our proposal for the quokka enclosure. Best, Alice',
      date: daysAgo(40),
    }),
  ]);
  await appendMessages(imap, 'INBOX', [
    buildMessage({
      subject: 'Re: Proposal for the quokka enclosure',
      messageId: 'reply@globex.test',
      from: 'Dana Scully <dana@globex.test>',
      to: 'alice@example.test',
      inReplyTo: 'proposal@example.test',
      references: 'proposal@example.test',
      body: 'Thanks Alice, the quokkas approve. <script>alert(1)</script> Let us sign next week.',
      date: daysAgo(10),
    }),
    buildMessage({
      subject: 'Invoice 1042',
      messageId: 'invoice@globex.test',
      from: 'Dana Scully <dana@globex.test>',
      to: 'alice@example.test',
      body: 'Please find the invoice for the enclosure.',
      date: daysAgo(3),
    }),
  ]);

  // Set up with the compiled core (a profile, the mailbox synced, indexed and linked), then hand
  // the data folder to browser mode, which opens it with the same keychain.
  const core = await openTestCore(data.path);
  try {
    expectOk(await core.call('profile.create', { displayName: 'Alice' }));
    await addDovecotAccount(core, dovecot);
    const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
    expect(status!.lastError).toBeNull();
    expectOk(await core.call<SearchResults>('search.messages', { query: 'quokka', catchUp: true }));
    const contacts = expectOk(await core.call<ContactPage>('contacts.list', { limit: 10 }));
    danaId = contacts.items.find((contact) => contact.email === 'dana@globex.test')!.id;
    const board = expectOk(await core.call<{ stages: { stage: { id: number } }[] }>('deals.board', {}));
    const [first, second] = board.stages;
    expectOk(
      await core.call('deals.create', {
        name: 'Enclosure',
        amountMinor: 1_250_000,
        currency: 'EUR',
        stageId: first!.stage.id,
      }),
    );
    expectOk(
      await core.call('deals.create', {
        name: 'Upkeep',
        amountMinor: 480_000,
        currency: 'EUR',
        stageId: second!.stage.id,
      }),
    );
    expectOk(
      await core.call('deals.create', {
        name: 'Export',
        amountMinor: 300_000,
        currency: 'USD',
        stageId: second!.stage.id,
      }),
    );
  } finally {
    await core.close();
  }

  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
  await page.getByTestId('app-frame').waitFor();
}, 120_000);

afterAll(() => stopServices({ context, app, browser, imap, dovecot, keyring, data }));

/** The results shown answer what the search field holds now (no request still out). */
async function searchSettled(): Promise<void> {
  await poll(() => page.getByTestId('search-results').getAttribute('aria-busy')).toBe('false');
}

/** Screenshots in light and dark, each once the colour transitions the switch started have ended. */
async function bothThemes(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('search as you type', () => {
  it('shows highlighted results while typing, the contact above the mail, and opens a message', async () => {
    await page.getByTestId('nav-search').click();
    const input = page.getByTestId('search-input');
    await poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await input.pressSequentially('quok', { delay: 60 });

    const hits = page.getByTestId('search-hit');
    await poll(() => hits.count()).toBe(2);
    await searchSettled();
    // Newest first: the reply (10 days ago) before the proposal (40 days ago).
    expect(await hits.first().textContent()).toContain('Re: Proposal');
    const marks = await page.locator('[data-testid="search-snippet"] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    for (const mark of marks) expect(mark.toLowerCase()).toMatch(/^quok/);
    // The message's own markup stays text.
    expect(await page.locator('[data-testid="search-results"] script').count()).toBe(0);

    // Typing on replaces the results: a name finds the contact, above its mail.
    await input.fill('');
    await input.pressSequentially('dana', { delay: 40 });
    await poll(() => page.getByTestId('search-record').first().textContent()).toContain('Dana Scully');
    await bothThemes('d1-search-records');

    await input.fill('quokka');
    await poll(() => hits.count()).toBe(2);
    await bothThemes('d2-search-highlights');
    // The arrows move through the results, Enter opens the selected message.
    await input.press('ArrowDown');
    await input.press('Enter');
    await poll(() => page.getByTestId('message-subject').textContent()).toBe('Proposal for the quokka enclosure');

    // Best match is a toggle away.
    await page.getByTestId('search-order-ranked').click();
    await poll(() => page.getByTestId('search-order-ranked').getAttribute('aria-pressed')).toBe('true');
    await searchSettled();
    expect(await hits.count()).toBe(2);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('the contact page', () => {
  it('opens from synced mail, shows its timeline, opens a thread and takes a note', async () => {
    await page.getByTestId('nav-search').click();
    const input = page.getByTestId('search-input');
    await input.fill('dana');
    await poll(() => page.getByTestId('search-record').first().textContent()).toContain('Dana Scully');
    await input.press('Enter');

    await page.getByTestId('page-contact').waitFor();
    expect(page.url()).toContain(`#/contacts/${danaId}`);
    expect(await page.getByTestId('record-name').textContent()).toBe('Dana Scully');
    expect(await page.getByTestId('contact-company').textContent()).toBe('Globex');
    expect(await page.getByTestId('contact-message-count').textContent()).toContain('3');

    // Two threads: the proposal and its reply, and the invoice; newest first.
    const threads = page.getByTestId('feed-thread');
    await poll(() => threads.count()).toBe(2);
    expect(await threads.first().textContent()).toContain('Invoice 1042');
    await threads.nth(1).getByTestId('feed-thread-open').click();
    await poll(() => page.getByTestId('message-subject').textContent()).toContain('quokka');

    await page.getByTestId('contact-why-ask').click();
    await poll(() => page.getByTestId('contact-why-answer').textContent()).toContain('dana@globex.test');

    await page.getByTestId('composer-text').fill('Call Dana about the signing date.');
    await page.getByTestId('composer-save').click();
    await poll(() => page.getByTestId('feed-note').first().textContent()).toContain('Call Dana about the signing');
    // The note is the newest item.
    expect(await page.getByTestId('record-feed').locator('> li').first().getAttribute('data-testid')).toBe('feed-note');

    // A task with a due day, then done.
    await page.getByTestId('composer-task').click();
    await page.getByTestId('composer-text').fill('Send the contract');
    await page.locator('.composer-due').fill('2026-12-01');
    await page.getByTestId('composer-save').click();
    const task = page.getByTestId('feed-task').filter({ hasText: 'Send the contract' });
    await poll(() => task.count()).toBe(1);
    expect(await task.textContent()).toContain('due');
    await task.getByRole('checkbox').check();
    await poll(() => task.getAttribute('class')).toContain('feed-task-done');

    // An edited name is kept.
    await page.getByTestId('contact-edit').click();
    await page.locator('#contact-name').fill('Dana K. Scully');
    await page.getByTestId('contact-save').click();
    await poll(() => page.getByTestId('record-name').textContent()).toBe('Dana K. Scully');
    await bothThemes('d3-contact-page');

    await page.getByTestId('contact-company').click();
    await page.getByTestId('page-company').waitFor();
    expect(await page.getByTestId('company-person').allTextContents()).toEqual(['Dana K. Scully']);
    await poll(() => page.getByTestId('feed-thread').count()).toBe(2);
    // The company is edited like the contact: only the owner changes, the name stays.
    await page.getByTestId('company-edit').click();
    await page.locator('#company-owner').fill('Alice');
    await page.getByTestId('company-save').click();
    await poll(() => page.getByTestId('company-details').textContent()).toContain('OwnerAlice');
    expect(await page.getByTestId('record-name').textContent()).toBe('Globex');
    await bothThemes('d4-company-page');
    expect(errors).toEqual([]);
  }, 60_000);

  it('says so when a record does not exist', async () => {
    await page.goto(`${app.origin}/#/contacts/999999`);
    await page.getByTestId('record-not-found').waitFor();
    expect(await page.getByTestId('record-not-found').textContent()).toContain('This contact does not exist');
  });
});

describe('keyboard shortcuts', () => {
  it('opens the overlay with ?, lists every shortcut, closes with Escape, and g c / slash navigate', async () => {
    await page.goto(`${app.origin}/#/timeline`);
    await page.getByTestId('app-frame').waitFor();
    await page.locator('body').press('?');
    const overlay = page.getByTestId('shortcuts-overlay');
    await poll(() => overlay.isVisible()).toBe(true);
    // Every shortcut the keys answer, with the timeline's list keys.
    expect(await overlay.getByTestId('shortcut-row').allTextContents()).toEqual([
      '/Search',
      '?Show keyboard shortcuts',
      'g then tGo to the timeline',
      'g then cGo to contacts',
      'g then oGo to companies',
      'g then dGo to deals',
      'g then rGo to reports',
      'g then sGo to sync',
      'g then ,Go to settings',
      'jNext message (timeline)',
      'kPrevious message (timeline)',
      'EnterOpen the selected message (timeline)',
    ]);
    await bothThemes('d5-shortcuts');
    await page.keyboard.press('Escape');
    await poll(() => overlay.isVisible()).toBe(false);

    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await poll(() => page.url()).toMatch(/#\/contacts$/);
    await page.keyboard.press('g');
    await page.keyboard.press('r');
    await poll(() => page.url()).toMatch(/#\/reports$/);

    // `/` lands in the search field; typed there, "g c" is text, not a shortcut.
    await page.keyboard.press('/');
    const input = page.getByTestId('search-input');
    await poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type('gc');
    expect(await input.inputValue()).toBe('gc');
    expect(page.url()).toMatch(/#\/search$/);
    expect(errors).toEqual([]);
  }, 30_000);
});

describe('the reports page', () => {
  it('draws the pipeline per currency and the email activity as SVG charts', async () => {
    await page.goto(`${app.origin}/#/reports`);
    await page.getByTestId('page-reports').waitFor();
    const pipelines = page.getByTestId('report-pipeline-chart');
    await poll(() => pipelines.count()).toBe(2);
    expect(
      await pipelines.evaluateAll((figures) => figures.map((figure) => figure.getAttribute('data-currency'))),
    ).toEqual(['EUR', 'USD']);
    // Bars are drawn for the stages with value: EUR in two stages, USD in one.
    await poll(() => pipelines.first().locator('svg .recharts-bar-rectangle path').count()).toBe(2);
    expect(await pipelines.nth(1).locator('svg .recharts-bar-rectangle path').count()).toBe(1);

    const activity = page.getByTestId('report-activity-chart');
    await activity.waitFor();
    expect(await activity.locator('svg').count()).toBeGreaterThan(0);
    // Three messages in three different weeks: one sent, two received.
    await poll(() => activity.locator('svg .recharts-bar-rectangle path').count()).toBe(3);
    expect(await page.getByTestId('report-activity-caption').textContent()).toContain('1 sent · 2 received');
    expect(await page.getByTestId('report-activity-caption').textContent()).toContain('UTC');
    await page.getByTestId('activity-bucket-month').click();
    await poll(() => page.getByTestId('report-activity-chart').getAttribute('data-bucket')).toBe('month');
    await bothThemes('d6-reports');
    expect(errors).toEqual([]);
  }, 30_000);
});
