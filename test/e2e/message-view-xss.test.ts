import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { REPO_ROOT } from '../harness/cli.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The timeline and the message view in Chromium against browser mode and a real Dovecot: a plain
// text message shown as text, remote images blocked until allowed for their sender, and a corpus
// of hostile HTML (test/fixtures/xss, made by generate.mjs) opened one by one. A payload that
// ran would call top.__xss(n) or post n to the top window; a request for https://xss.invalid/...
// would show that something was fetched. Neither may happen, nor any page error.
type Payload = { n: number; source: string; html: string };
const PAYLOADS = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/xss/payloads.json'), 'utf8')) as Payload[];

const EMAIL = 'alice@example.test';
const NEWSLETTER_SENDER = 'news@shop.test';
const IMAGE_URL = 'https://images.shop.test/banner.png';
const TOTAL = PAYLOADS.length + 2;
// A 1x1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const requests: string[] = [];
const dialogs: string[] = [];
const data = makeTempDir();
const alice = () => dovecot.users[1]!;

function htmlMessage(spec: { from: string; subject: string; date: Date; html: string }): string {
  const head = buildMessage({ from: spec.from, to: `Alice <${EMAIL}>`, subject: spec.subject, date: spec.date })
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .filter((line) => !/^Content-(Type|Transfer-Encoding):/i.test(line));
  const body = Buffer.from(spec.html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return [...head, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', body, ''].join(
    '\r\n',
  );
}

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
    buildMessage({
      from: 'Carol <carol@acme.test>',
      to: `Alice <${EMAIL}>`,
      subject: 'Plain text with markup',
      date: minutesAgo(1),
      body: 'Hi Alice,\n<script>top.__xss(0)</script><b>not bold</b>\nSee you.\n',
    }),
    htmlMessage({
      from: `Shop News <${NEWSLETTER_SENDER}>`,
      subject: 'Newsletter with a banner',
      date: minutesAgo(2),
      html: `<h1 style="color:#0a7">Spring sale</h1><p>Our <b>best</b> offers.</p><img alt="banner" src="${IMAGE_URL}" width="300"><p><a href="https://shop.test/offers">See the offers</a></p>`,
    }),
    ...PAYLOADS.map((payload) =>
      htmlMessage({
        from: 'Mallory <mallory@evil.test>',
        subject: `XSS ${payload.n}`,
        date: minutesAgo(10 + payload.n),
        html: `<p>Payload ${payload.n} (${payload.source})</p>${payload.html}`,
      }),
    ),
  ]);
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
  context.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // Nothing may leave; these answer locally so a leak is recorded, not a DNS failure.
  await context.route('https://xss.invalid/**', (route) => route.fulfill({ status: 204 }));
  await context.route('https://images.shop.test/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: PNG }),
  );
}, 120_000);

afterAll(() => stopServices({ context, app, browser, imap, dovecot, keyring, data }));

/** Installs the hooks a payload would call, in the app's own window. */
async function installHooks(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __xss: (n: number) => void; __xssCalls: unknown[] };
    w.__xssCalls = [];
    w.__xss = (n) => w.__xssCalls.push(n);
    window.addEventListener('message', (event) => w.__xssCalls.push(event.data));
  });
}

/** The hooks themselves work: a call from this window and a message from a frame are both seen. */
async function checkHooks(): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __xss: (n: number) => void }).__xss(-1);
    window.postMessage(-2, '*');
  });
  await expect.poll(xssCalls).toEqual([-1, -2]);
  await page.evaluate(() => {
    (window as unknown as { __xssCalls: unknown[] }).__xssCalls.length = 0;
  });
}

async function xssCalls(): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __xssCalls: unknown[] }).__xssCalls);
}

function leftTheApp(url: string): boolean {
  return !url.startsWith(app.origin) && !url.startsWith('data:') && !url.startsWith('about:');
}

/** Waits until the message view shows `subject` and its frame (if any) has loaded. */
async function waitForMessage(subject: string): Promise<void> {
  await expect.poll(() => page.getByTestId('message-subject').textContent(), { timeout: 10_000 }).toBe(subject);
  const frame = page.getByTestId('message-frame');
  if ((await frame.count()) > 0) {
    const handle = await frame.elementHandle();
    const content = await handle?.contentFrame();
    await content?.waitForLoadState('load');
  }
}

describe('the timeline and the message view', () => {
  it('syncs the mailbox and lists it newest first', async () => {
    await onboard(page);
    await installHooks();
    await checkHooks();
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
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe(`${TOTAL} of ${TOTAL}`);

    await page.getByTestId('nav-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-count').textContent()).toBe(`${TOTAL} messages`);
    const rows = page.getByTestId('timeline-row');
    expect(await rows.first().textContent()).toContain('Plain text with markup');
    expect(await rows.nth(1).textContent()).toContain('Newsletter with a banner');
    // Virtualized: only the rows in view (plus overscan) are in the document.
    expect(await rows.count()).toBeLessThan(60);
    await screenshot(page, '30-timeline');
  });

  it('shows plain text as text, never as HTML', async () => {
    await page.keyboard.press('Enter');
    await waitForMessage('Plain text with markup');
    expect(await page.getByTestId('message-frame').count()).toBe(0);
    const text = await page.getByTestId('message-text').textContent();
    expect(text).toContain('<script>top.__xss(0)</script><b>not bold</b>');
    expect(await page.locator('.message-text b').count()).toBe(0);
  });

  it('blocks remote images until they are allowed for the sender', async () => {
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await waitForMessage('Newsletter with a banner');
    const frame = page.getByTestId('message-frame');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain('img-src data:;');
    expect(srcdoc).not.toContain(IMAGE_URL);
    expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    // Links leave the app: a new browsing context, no opener, no referrer.
    expect(srcdoc).toContain('href="https://shop.test/offers" target="_blank" rel="noopener noreferrer"');
    await page.getByTestId('message-images-blocked').waitFor();
    expect(requests.filter(leftTheApp)).toEqual([]);
    await screenshot(page, '31-message-images-blocked');

    await page.getByTestId('message-show-images').click();
    await expect.poll(() => requests.filter(leftTheApp)).toEqual([IMAGE_URL]);
    const allowed = (await frame.getAttribute('srcdoc')) ?? '';
    expect(allowed).toContain('img-src data: https:;');
    expect(allowed).toContain(`src="${IMAGE_URL}"`);
    expect(await page.getByTestId('message-images-blocked').count()).toBe(0);
    await screenshot(page, '32-message-images-shown');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '33-message-dark');
    await page.emulateMedia({ colorScheme: null });
  });

  it('blocks images from the sender again when the user takes the choice back', async () => {
    // The choice is stored with the profile (mail.setImagesAllowed; read back by mail.get, see
    // test/unit/message-read-repository.test.ts); here the message view follows it both ways.
    const frame = page.getByTestId('message-frame');
    await page.getByTestId('message-images-shown').waitFor();
    await page.getByTestId('message-hide-images').click();
    await page.getByTestId('message-images-blocked').waitFor();
    const blocked = (await frame.getAttribute('srcdoc')) ?? '';
    expect(blocked).toContain('img-src data:;');
    expect(blocked).not.toContain(IMAGE_URL);
    expect(await page.getByTestId('message-images-shown').count()).toBe(0);
  });

  it(`opens ${PAYLOADS.length} hostile messages without running or fetching anything`, async () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(100);
    const before = requests.filter(leftTheApp).length;
    const firstRequest = requests.length;
    const problems: string[] = [];
    for (const payload of PAYLOADS) {
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      await waitForMessage(`XSS ${payload.n}`);
      // Hover the message, for payloads waiting for the pointer.
      const frame = page.getByTestId('message-frame');
      await frame.hover({ position: { x: 40, y: 40 } });
      await page.mouse.move(5, 5);
      const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
      // The sanitized document, read the way the browser reads it.
      const found = await page.evaluate((html) => {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const issues: string[] = [];
        const tags = [
          'script',
          'iframe',
          'frame',
          'object',
          'embed',
          'form',
          'input',
          'button',
          'base',
          'link',
          'svg',
          'math',
        ];
        for (const tag of tags) if (doc.body.querySelector(tag)) issues.push(`<${tag}>`);
        if (doc.head.querySelectorAll('meta').length !== 3) issues.push('a <meta> of the mail');
        for (const element of Array.from(doc.querySelectorAll('*'))) {
          for (const attribute of Array.from(element.attributes)) {
            const value = attribute.value.trim().toLowerCase();
            if (attribute.name.startsWith('on')) issues.push(`${attribute.name}=`);
            if (/^(javascript|vbscript|data:text|livescript)/.test(value.replace(/\s/g, ''))) {
              issues.push(`${attribute.name}=${value.slice(0, 20)}`);
            }
            if (['src', 'srcset', 'background', 'poster', 'action', 'formaction', 'ping'].includes(attribute.name)) {
              if (!value.startsWith('data:image/')) issues.push(`${attribute.name}=${value.slice(0, 30)}`);
            }
            if (attribute.name === 'style' && /url\(\s*['"]?(?!data:)/.test(value)) issues.push(`style url()`);
          }
          if (element.tagName === 'A' && element.hasAttribute('href')) {
            if (element.getAttribute('target') !== '_blank') issues.push('a link without target=_blank');
            if (element.getAttribute('rel') !== 'noopener noreferrer') issues.push('a link without rel=noopener');
          }
        }
        for (const style of Array.from(doc.body.querySelectorAll('style'))) {
          const css = style.textContent ?? '';
          if (/@import|url\(\s*['"]?(?!data:)|\\/i.test(css)) issues.push(`<style> ${css.slice(0, 40)}`);
        }
        return issues;
      }, srcdoc);
      if (found.length > 0) problems.push(`payload ${payload.n}: ${found.join(', ')}`);
      if (payload.n === 1 || payload.n === PAYLOADS.length) await screenshot(page, `34-xss-${payload.n}`);
    }
    // Anything delayed (timers, animations, refreshes) has had time to fire.
    await page.waitForTimeout(1_500);
    expect(problems).toEqual([]);
    expect(await xssCalls()).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests.filter(leftTheApp).slice(before)).toEqual([]);
    // Nor any stray request to the app itself (a relative src= resolved against the app).
    expect(requests.slice(firstRequest).filter((url) => !/\/api\//.test(url))).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('moves with j and k', async () => {
    const selected = () => page.locator('.timeline-row-selected').getAttribute('data-message-id');
    const at = await selected();
    await page.keyboard.press('k');
    await expect.poll(selected).not.toBe(at);
    await page.keyboard.press('j');
    await expect.poll(selected).toBe(at);
    expect(errors).toEqual([]);
  });

  it('shows new mail on top as the core announces it (sync.changed), without polling', async () => {
    await page.getByTestId('timeline-list').evaluate((list) => list.scrollTo({ top: 0 }));
    const before = requests.filter((url) => url.includes('/api/call/mail.list')).length;
    await appendMessages(imap, 'INBOX', [
      buildMessage({
        from: 'Dave <dave@acme.test>',
        to: `Alice <${EMAIL}>`,
        subject: 'Fresh from IDLE',
        date: new Date(),
      }),
    ]);
    await expect
      .poll(() => page.getByTestId('timeline-row').first().textContent(), { timeout: 20_000 })
      .toContain('Fresh from IDLE');
    expect(await page.getByTestId('timeline-count').textContent()).toBe(`${TOTAL + 1} messages`);
    // The list was read again because of the event, a handful of times at most.
    const reads = requests.filter((url) => url.includes('/api/call/mail.list')).length - before;
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(10);
    // The open message stays open, the older rows loaded before stay loaded.
    expect(await page.getByTestId('message-subject').textContent()).toMatch(/^XSS \d+$/);
    await screenshot(page, '35-timeline-new-mail');
    expect(errors).toEqual([]);
  });
});
