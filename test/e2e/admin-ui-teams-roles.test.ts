import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/start.js';
import { openAdminUi, unexpected } from '../harness/admin-ui.js';
import { launchChromium, screenshotBothThemes } from '../harness/chromium.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Reshaping the workspace in the admin web UI (Chromium, a real server on 127.0.0.1): a team renamed
// and moved under another parent (never under itself), a team with sub-teams kept until they are
// gone, a team deleted after a confirmation, and a role deleted once nobody holds it.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir('clientele-admin-teams-roles-e2e-');

beforeAll(async () => {
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server.db') },
    host: '127.0.0.1',
    port: 0,
  });
  browser = await launchChromium();
  ({ context, page, errors } = await openAdminUi(browser, server.bootstrapLink!));
  await page.getByTestId('setup-email').fill(ADMIN.email);
  await page.getByTestId('setup-password').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('users-table').waitFor();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  data.remove();
});

const treeNames = async () =>
  (await page.getByTestId('team-open').locator('.tree-name').allTextContents()).map((name) => name.trim());

async function createTeam(name: string, parent?: string): Promise<void> {
  const before = await page.getByTestId('team-open').count();
  await page.getByTestId('team-name').fill(name);
  await page.getByTestId('team-parent').selectOption(parent ? { label: parent } : { value: '' });
  await page.getByTestId('team-create').click();
  await expect.poll(() => page.getByTestId('team-open').count()).toBe(before + 1);
}

describe('reshaping teams and roles in the admin web UI', () => {
  it('renames a team and moves it under another, offering no place inside itself', async () => {
    await page.getByTestId('nav-teams').click();
    await createTeam('Sales');
    await createTeam('North', 'Sales');
    await createTeam('Night shift', '– North');
    await createTeam('Support');
    expect(await treeNames()).toEqual(['Sales', 'North', 'Night shift', 'Support']);

    await page.getByTestId('team-open').filter({ hasText: 'North' }).first().click();
    await expect.poll(() => page.getByTestId('team-rename').inputValue()).toBe('North');
    // North can't go inside itself or its own sub-team.
    const places = await page.getByTestId('team-move').locator('option').allTextContents();
    expect(places).toEqual(['No parent (a top team)', 'Sales', 'Support']);
    expect(await page.getByTestId('team-save').isDisabled()).toBe(true);
    // It has a sub-team: delete waits until that is gone.
    expect(await page.getByTestId('team-delete').isDisabled()).toBe(true);

    await page.getByTestId('team-rename').fill('Field support');
    await page.getByTestId('team-move').selectOption({ label: 'Support' });
    await page.getByTestId('team-save').click();
    await expect.poll(treeNames).toEqual(['Sales', 'Support', 'Field support', 'Night shift']);
    expect(await page.locator('.tree-depth-2').count()).toBe(1);
    await screenshotBothThemes(page, '86b-admin-team-settings');
  });

  it('deletes a team after a confirmation that says what ends', async () => {
    await page.getByTestId('team-open').filter({ hasText: 'Night shift' }).click();
    await expect.poll(() => page.getByTestId('team-rename').inputValue()).toBe('Night shift');
    await page.getByTestId('team-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Delete “Night shift”?');
    expect(await dialog.textContent()).toContain('Nobody is in this team.');
    await screenshotBothThemes(page, '86c-admin-team-delete');
    await page.getByTestId('confirm-cancel').click();
    expect(await treeNames()).toContain('Night shift');

    await page.getByTestId('team-delete').click();
    await page.getByTestId('confirm-accept').click();
    await expect.poll(treeNames).toEqual(['Sales', 'Support', 'Field support']);
    // Its parent has no sub-team left: it may go now.
    await page.getByTestId('team-open').filter({ hasText: 'Field support' }).click();
    await expect.poll(() => page.getByTestId('team-delete').isDisabled()).toBe(false);
  });

  it('deletes a role nobody holds, and keeps one somebody holds', async () => {
    await page.getByTestId('nav-roles').click();
    await page.getByTestId('role-new').click();
    await page.getByTestId('role-name').fill('Temporary auditors');
    await page.getByTestId('role-save').click();
    await expect.poll(() => page.getByTestId('role-open').allTextContents()).toContain('Temporary auditors');

    // The admin holds Admin: it stays, and the page says why.
    await page
      .getByTestId('role-open')
      .filter({ hasText: /^Admin$/ })
      .click();
    await page.getByTestId('role-holders').waitFor();
    expect(await page.getByTestId('role-holders').textContent()).toContain('Held by 1 user');
    expect(await page.getByTestId('role-delete').isDisabled()).toBe(true);

    await page.getByTestId('role-open').filter({ hasText: 'Temporary auditors' }).click();
    await expect.poll(() => page.getByTestId('role-name').inputValue()).toBe('Temporary auditors');
    await page.getByTestId('role-delete').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await screenshotBothThemes(page, '87b-admin-role-delete');
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('role-none').waitFor();
    // The list reloads after the page has left the role: wait for the reload.
    await expect.poll(() => page.getByTestId('role-open').allTextContents()).not.toContain('Temporary auditors');
    expect(unexpected(errors)).toEqual([]);
  });
});
