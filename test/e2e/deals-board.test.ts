import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Deal, Pipeline } from '../../common/domain/deals.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The deals board in Chromium against the real core (browser mode): deals made through the API,
// one card dragged to another stage with the real mouse and one moved with the keyboard, the
// columns' counts and totals following, and the store agreeing after a reload. A move the core
// refuses is put back with a message. Then a deal made through the form and a note on it.

let keyring: SecretService;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir();

/** A call through the app's own HTTP API, from the page (its session cookie). */
async function api<T>(method: string, input: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    },
    [method, input] as const,
  );
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

const column = (name: string): Locator => page.locator(`[data-testid="deal-column"][data-stage-name="${name}"]`);
const card = (name: string): Locator => page.getByTestId('deal-card').filter({ hasText: name });
const namesIn = (name: string): Promise<string[]> => column(name).locator('.deal-card-name').allTextContents();
const countOf = (name: string): Promise<string | null> => column(name).getByTestId('deal-column-count').textContent();
const totalsOf = (name: string): Promise<string[]> => column(name).locator('.deal-column-total').allTextContents();
/** An amount as the page's own locale formats it (the board uses Intl.NumberFormat with the user's locale). */
const money = (major: number, currency: string): Promise<string> =>
  page.evaluate(
    ([amount, code]) => new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(amount),
    [major, currency] as const,
  );

/** Press the mouse on one element, move in steps onto another, release: a real drag. */
async function drag(from: Locator, to: Locator, where: 'top' | 'bottom' = 'bottom'): Promise<void> {
  const start = (await from.boundingBox())!;
  const end = (await to.boundingBox())!;
  await page.mouse.move(start.x + start.width / 2, start.y + 12);
  await page.mouse.down();
  await page.mouse.move(start.x + start.width / 2 + 10, start.y + 20, { steps: 4 });
  const y = where === 'top' ? end.y + 4 : end.y + end.height - 20;
  await page.mouse.move(end.x + end.width / 2, y, { steps: 15 });
  await page.mouse.up();
}

/**
 * Two frames and a task: dnd-kit's keyboard sensor starts listening for arrows in a task after
 * the drag starts and measures the droppables in effects; a key pressed before that is lost.
 */
const settle = (): Promise<void> =>
  page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve)))),
  );

let stages: Record<string, number>;
let deals: Record<string, Deal>;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  browser = await launchChromium();
  app = await startBrowserMode(data.path, keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
  await onboard(page);
  const [sales] = await api<Pipeline[]>('pipelines.list', {});
  stages = Object.fromEntries(sales!.stages.map((stage) => [stage.name, stage.id]));
  deals = {};
  for (const [name, amountMinor, currency, stage] of [
    ['Acme renewal', 120050, 'EUR', 'Lead'],
    ['Globex pilot', 50000, 'USD', 'Lead'],
    ['Initech rollout', 30000, 'EUR', 'Qualified'],
    ['Umbrella audit', 9900, 'EUR', 'Qualified'],
  ] as const) {
    deals[name] = await api<Deal>('deals.create', { name, amountMinor, currency, stageId: stages[stage] });
  }
}, 90_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await keyring?.stop();
  data.remove();
});

describe('the deals board', () => {
  it('shows a column per stage with counts and totals per currency', async () => {
    await page.getByTestId('nav-deals').click();
    await page.getByTestId('deal-board').waitFor();
    expect(await page.getByTestId('deal-column').evaluateAll((els) => els.map((el) => el.dataset.stageName))).toEqual([
      'Lead',
      'Qualified',
      'Proposal',
      'Negotiation',
      'Won',
      'Lost',
    ]);
    expect(await namesIn('Lead')).toEqual(['Acme renewal', 'Globex pilot']);
    expect(await countOf('Lead')).toBe('2');
    expect(await totalsOf('Lead')).toEqual([await money(1200.5, 'EUR'), await money(500, 'USD')]);
    expect(await totalsOf('Qualified')).toEqual([await money(399, 'EUR')]);
    expect(await countOf('Proposal')).toBe('0');
    await screenshot(page, 'deals-board-light');
  });

  it('moves a card to another stage with the mouse, and the store agrees after a reload', async () => {
    await drag(card('Acme renewal'), column('Proposal'));
    await expect.poll(() => namesIn('Proposal')).toEqual(['Acme renewal']);
    expect(await namesIn('Lead')).toEqual(['Globex pilot']);
    expect(await countOf('Lead')).toBe('1');
    expect(await totalsOf('Lead')).toEqual([await money(500, 'USD')]);
    expect(await totalsOf('Proposal')).toEqual([await money(1200.5, 'EUR')]);
    await expect
      .poll(async () => (await api<Deal>('deals.get', { id: deals['Acme renewal']!.id })).stageName)
      .toBe('Proposal');

    await page.reload();
    await page.getByTestId('deal-board').waitFor();
    expect(await namesIn('Proposal')).toEqual(['Acme renewal']);
    expect(await namesIn('Lead')).toEqual(['Globex pilot']);
  });

  it('reorders within a stage with the mouse', async () => {
    expect(await namesIn('Qualified')).toEqual(['Initech rollout', 'Umbrella audit']);
    await drag(card('Umbrella audit'), card('Initech rollout'), 'top');
    await expect.poll(() => namesIn('Qualified')).toEqual(['Umbrella audit', 'Initech rollout']);
    await expect.poll(async () => (await api<Deal>('deals.get', { id: deals['Umbrella audit']!.id })).position).toBe(0);
  });

  it('moves a card with the keyboard: Space, arrows, Space', async () => {
    const grip = card('Globex pilot').getByTestId('deal-card-grip');
    await grip.focus();
    await page.keyboard.press('Space');
    await page.locator('.deal-card-overlay').waitFor();
    await settle();
    await page.keyboard.press('ArrowRight');
    await page.locator('.deal-column-over[data-stage-name="Qualified"]').waitFor();
    // Past both cards of Qualified: last.
    for (const key of ['ArrowDown', 'ArrowDown', 'Space']) {
      await settle();
      await page.keyboard.press(key);
    }
    await expect.poll(() => namesIn('Qualified')).toEqual(['Umbrella audit', 'Initech rollout', 'Globex pilot']);
    expect(await countOf('Lead')).toBe('0');
    expect(await totalsOf('Qualified')).toEqual([await money(399, 'EUR'), await money(500, 'USD')]);
    await expect
      .poll(async () => (await api<Deal>('deals.get', { id: deals['Globex pilot']!.id })).stageName)
      .toBe('Qualified');
    // Escape cancels a keyboard move: nothing changes.
    await card('Initech rollout').getByTestId('deal-card-grip').focus();
    await page.keyboard.press('Space');
    await page.locator('.deal-card-overlay').waitFor();
    await settle();
    await page.keyboard.press('ArrowRight');
    await page.locator('.deal-column-over[data-stage-name="Proposal"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.deal-card-overlay').waitFor({ state: 'detached' });
    expect(await namesIn('Qualified')).toEqual(['Umbrella audit', 'Initech rollout', 'Globex pilot']);
  });

  it('puts a card back and says why when the core refuses the move', async () => {
    await context.route('**/api/call/deals.move', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'TEMPORARY', message: 'The store is busy.' } }),
      }),
    );
    await drag(card('Acme renewal'), column('Won'));
    await page.getByTestId('deal-move-error').waitFor();
    expect(await page.getByTestId('deal-move-error').textContent()).toContain('The store is busy.');
    await expect.poll(() => namesIn('Proposal')).toEqual(['Acme renewal']);
    expect(await countOf('Won')).toBe('0');
    await context.unroute('**/api/call/deals.move');
    expect((await api<Deal>('deals.get', { id: deals['Acme renewal']!.id })).stageName).toBe('Proposal');
  });

  it('creates a deal with the form, opens it and adds a note', async () => {
    await page.getByTestId('new-deal').click();
    const dialog = page.getByTestId('new-deal-dialog');
    await dialog.getByTestId('deal-name').fill('Hooli expansion');
    await dialog.getByTestId('deal-amount').fill('2500');
    await dialog.getByTestId('deal-currency').fill('GBP');
    await dialog.getByTestId('deal-stage').selectOption({ label: 'Negotiation' });
    await dialog.getByTestId('deal-close-date').fill('2026-12-31');
    await screenshot(page, 'deals-new-deal-light');
    await dialog.getByTestId('deal-submit').click();
    await expect.poll(() => namesIn('Negotiation')).toEqual(['Hooli expansion']);
    expect(await totalsOf('Negotiation')).toEqual([await money(2500, 'GBP')]);

    await card('Hooli expansion').locator('.deal-card-name').click();
    const drawer = page.getByTestId('deal-drawer');
    await drawer.waitFor();
    expect(await drawer.getByTestId('deal-facts-stage').textContent()).toBe('Negotiation');
    expect(await drawer.getByTestId('deal-facts-amount').textContent()).toBe(await money(2500, 'GBP'));
    await drawer.getByTestId('composer-text').fill('Budget approved by their CFO');
    await drawer.getByTestId('composer-save').click();
    await expect
      .poll(() => drawer.locator('.feed-item').allTextContents())
      .toEqual([
        expect.stringContaining('Budget approved by their CFO'),
        expect.stringContaining('created in Negotiation'),
      ]);
    await screenshot(page, 'deals-drawer-light');

    await api('settings.update', { theme: 'dark' });
    await page.reload();
    await page.getByTestId('deal-drawer').waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await drawer.locator('.feed-item').first().waitFor();
    await screenshot(page, 'deals-drawer-dark');
    // The note can be deleted again from the drawer; the deal's creation stays.
    await drawer.getByRole('button', { name: 'Delete note' }).click();
    await expect
      .poll(() => drawer.locator('.feed-item').allTextContents())
      .toEqual([expect.stringContaining('created in Negotiation')]);
    await page.goto(`${app.origin}/#/deals`);
    await page.getByTestId('deal-board').waitFor();
    await screenshot(page, 'deals-board-dark');
    expect(errors).toEqual([]);
  });
});
