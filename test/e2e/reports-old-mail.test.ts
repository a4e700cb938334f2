import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, openAppWindow, screenshotBothThemes } from '../harness/chromium.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The reports page of a mailbox whose mail is all older than the chart's range (an archive, or a
// mailbox that went quiet): the real renderer in Chromium on browser mode, over mail synced from a
// real Dovecot by the compiled core. The chart says where the mail is and shows that span on request.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

// Two years back, fixed to a UTC midday so that no time zone moves it to another day.
const newest = new Date(Date.UTC(new Date().getUTCFullYear() - 2, 4, 20, 12));
const newestDay = newest.toISOString().slice(0, 10);
const newestLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(newest);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  await appendMessages(imap, 'INBOX', [
    buildMessage({ subject: 'Renewal', from: 'Dana <dana@globex.test>', to: 'alice@example.test', date: newest }),
    buildMessage({
      subject: 'Kick-off',
      from: 'Dana <dana@globex.test>',
      to: 'alice@example.test',
      date: new Date(newest.getTime() - 20 * 86_400_000),
    }),
  ]);
  await appendMessages(imap, 'Sent', [
    buildMessage({
      subject: 'Re: Kick-off',
      from: 'Alice <alice@example.test>',
      to: 'dana@globex.test',
      date: new Date(newest.getTime() - 19 * 86_400_000),
    }),
  ]);
  const core = await openTestCore(data.path);
  try {
    expectOk(await core.call('profile.create', { displayName: 'Alice' }));
    expectOk(await core.call('settings.update', { backfillMonths: null }));
    await addDovecotAccount(core, dovecot);
    const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
    expect(status!.lastError).toBeNull();
    expect(status!.messages).toBe(3);
  } finally {
    await core.close();
  }
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
  await page.getByTestId('app-frame').waitFor();
}, 120_000);

afterAll(() => stopServices({ context, app, browser, imap, dovecot, keyring, data }));

describe('email activity of a mailbox older than the chart', () => {
  it('says when the newest message is, shows the span up to it, and goes back to today', async () => {
    await page.goto(`${app.origin}/#/reports`);
    const empty = page.getByTestId('report-activity-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain(`No mail sent or received in the last 12 months`);
    expect(await empty.textContent()).toContain(`The newest message on this computer is from ${newestLabel}.`);
    expect(await page.getByTestId('report-activity-chart').count()).toBe(0);
    await screenshotBothThemes(page, 'reports-old-mail-empty');

    await page.getByTestId('activity-show-newest').click();
    const chart = page.getByTestId('report-activity-chart');
    await chart.waitFor();
    // Three messages in two weeks: the kick-off and its reply a day apart, the renewal 20 days later.
    await poll(() => chart.locator('svg .recharts-bar-rectangle path').count()).toBe(3);
    const caption = page.getByTestId('report-activity-caption');
    expect(await caption.textContent()).toContain(`The 12 months up to ${newestLabel}: 1 sent · 2 received`);
    await screenshotBothThemes(page, 'reports-old-mail-span');

    // Another grouping keeps the span; its last bucket is the newest message's day.
    await page.getByTestId('activity-bucket-day').click();
    await poll(() => chart.getAttribute('data-bucket')).toBe('day');
    await poll(() => caption.textContent()).toContain(`The 90 days up to ${newestLabel}: 1 sent · 2 received`);
    expect(await chart.getAttribute('data-last-bucket')).toBe(newestDay);

    await page.getByTestId('activity-today').click();
    await empty.waitFor();
    expect(await empty.textContent()).toContain('in the last 90 days');
    expect(await page.getByTestId('activity-today').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
