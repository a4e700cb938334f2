import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView } from '../../common/api/server-admin.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import { openAdminUi, signInWithPassword, unexpected } from '../harness/admin-ui.js';
import { launchChromium, screenshotBothThemes } from '../harness/chromium.js';
import { readQrCode } from '../harness/qr-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The team server's admin web UI in Chromium against a real server on 127.0.0.1: the one-time set-up
// link makes the first admin, who then manages users, teams and roles, turns on two-factor sign-in,
// meets the IP allowlist's refusal, signs in again with a code and reads the role change in the audit
// log. The server trusts X-Forwarded-For (as behind a proxy) so the admin's browser can come "from"
// a non-loopback address: loopback is always allowed and would never see a refusal.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const LONG_EMAIL = 'maximilian.alexander.vanderbilt-longname@subsidiary.enterprise-example.com';
const ADMIN_ADDRESS = '198.51.100.7';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let totpSecret: string;
const data = makeTempDir('clientele-admin-ui-e2e-');

beforeAll(async () => {
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server.db') },
    host: '127.0.0.1',
    port: 0,
    trustProxy: true,
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  data.remove();
});

describe('the admin web UI', () => {
  it('opens the set-up link, refuses a common password without spending it, and signs the first admin in', async () => {
    expect(server.bootstrapLink).toMatch(/\/admin\/setup#token=[\w-]{43}$/);
    ({ context, page, errors } = await openAdminUi(browser, server.bootstrapLink!, { forwardedFor: ADMIN_ADDRESS }));
    await page.getByTestId('setup-form').waitFor();
    // The token left the address bar (and so the history) as soon as the page read it.
    expect(new URL(page.url()).hash).toBe('');
    await page.getByTestId('setup-email').fill(ADMIN.email);
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-submit').click();
    expect(await page.getByTestId('setup-password-error').textContent()).toContain('at least 8 characters');
    await page.getByTestId('setup-password').fill('password123');
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('setup-password-error').textContent()).toContain('too common');
    await screenshotBothThemes(page, '81-admin-setup-refused');

    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('users-table').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(ADMIN.email);
    expect(await page.getByTestId('user-row').count()).toBe(1);
    await screenshotBothThemes(page, '82-admin-users-first');
  });

  it('creates users (with the password rules), assigns a role and shows their sessions', async () => {
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-email').fill(REP.email);
    await page.getByTestId('user-password').fill('seven77');
    await page.getByTestId('user-create').click();
    expect(await page.getByTestId('user-password-error').textContent()).toContain('at least 8 characters');
    await page.getByTestId('user-password').fill(REP.email);
    await page.getByTestId('user-create').click();
    await expect.poll(() => page.getByTestId('user-password-error').textContent()).toContain('your email');
    await screenshotBothThemes(page, '83-admin-user-form-refused');
    await page.getByTestId('user-password').fill(REP.password);
    // A first password is a temporary one unless the admin says otherwise; the rep keeps theirs here.
    expect(await page.getByTestId('user-temporary-password').isChecked()).toBe(true);
    await page.getByTestId('user-temporary-password').uncheck();
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-detail').waitFor();
    expect(await page.locator('#user-detail-title').textContent()).toBe(REP.email);

    await page.getByTestId('user-role-Sales rep').click();
    await expect.poll(() => page.getByTestId('user-role-Sales rep').isChecked()).toBe(true);
    await expect
      .poll(() => page.getByTestId('user-row').filter({ hasText: REP.email }).textContent())
      .toContain('Sales rep');

    await page.getByTestId('user-new').click();
    await page.getByTestId('user-email').fill(LONG_EMAIL);
    await page.getByTestId('user-password').fill('another decent passphrase');
    await page.getByTestId('user-create').click();
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(3);
    await expect
      .poll(() => page.getByTestId('user-row').filter({ hasText: LONG_EMAIL }).textContent())
      .toContain('Temporary password');
    expect(await page.getByTestId('user-row').filter({ hasText: REP.email }).textContent()).not.toContain(
      'Temporary password',
    );

    // The rep signs in somewhere: the session shows up under their account, and can be revoked.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REP),
    });
    expect(login.status).toBe(200);
    await page.getByTestId('user-open').filter({ hasText: REP.email }).click();
    await expect.poll(() => page.getByTestId('user-session').count()).toBe(1);
    await screenshotBothThemes(page, '84-admin-users');
    await page.getByTestId('user-session-revoke').click();
    await page.getByTestId('user-sessions-empty').waitFor();

    // An admin can't disable themself; the rep's account is disabled after a confirmation.
    await page.getByTestId('user-open').filter({ hasText: ADMIN.email }).click();
    expect(await page.getByTestId('user-disable').isDisabled()).toBe(true);
    await page.getByTestId('user-open').filter({ hasText: LONG_EMAIL }).click();
    await page.getByTestId('user-disable').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('user-enable').waitFor();
    expect(await page.getByTestId('user-row').filter({ hasText: LONG_EMAIL }).textContent()).toContain('Disabled');
  });

  it('builds the team hierarchy with members and managers', async () => {
    await page.getByTestId('nav-teams').click();
    await page.getByTestId('teams-empty').waitFor();
    await screenshotBothThemes(page, '85-admin-teams-empty');
    await page.getByTestId('team-name').fill('Sales');
    await page.getByTestId('team-create').click();
    await page.getByTestId('team-detail').waitFor();
    await page.getByTestId('team-add-user').selectOption({ label: ADMIN.email });
    await page.getByTestId('team-add-member').getByLabel('As a manager').check();
    await page.getByTestId('team-add-submit').click();
    await expect.poll(() => page.getByTestId('team-member').count()).toBe(1);

    await page.getByTestId('team-name').fill('Sales · North');
    await page.getByTestId('team-parent').selectOption({ label: 'Sales' });
    await page.getByTestId('team-create').click();
    await expect.poll(() => page.getByTestId('team-open').count()).toBe(2);
    await page.getByTestId('team-add-user').selectOption({ label: REP.email });
    await page.getByTestId('team-add-submit').click();
    await page.getByTestId('team-add-user').selectOption({ label: LONG_EMAIL });
    await page.getByTestId('team-add-submit').click();
    await expect.poll(() => page.getByTestId('team-member').count()).toBe(2);
    // The sub-team sits under its parent, indented.
    const tree = await page.getByTestId('team-open').allTextContents();
    expect(tree).toEqual(['Sales1 member', 'Sales · North2 members']);
    expect(await page.locator('.tree-depth-1').count()).toBe(1);
    await screenshotBothThemes(page, '86-admin-teams');
  });

  it('edits a role in the matrix: a scope, a hidden field, and a new role', async () => {
    await page.getByTestId('nav-roles').click();
    await page.getByTestId('role-none').waitFor();
    await page.getByTestId('role-open').filter({ hasText: 'Sales rep' }).click();
    const editor = page.getByTestId('role-editor');
    await editor.waitFor();
    expect(await page.getByTestId('matrix-contact-export').inputValue()).toBe('none');
    expect(await page.getByTestId('role-save').isDisabled()).toBe(true);
    await page.getByTestId('matrix-contact-export').selectOption('team');
    await page.getByTestId('role-hide-object').selectOption('deal');
    await page.getByTestId('role-hide-field').fill('amount');
    await page.getByTestId('role-hide-add').click();
    expect(await page.getByTestId('role-status').textContent()).toBe('Unsaved changes');
    await page.getByTestId('role-save').click();
    await expect.poll(() => page.getByTestId('role-status').textContent()).toContain('Saved');
    const roles = await fetch(`${server.url}/api/admin/roles`, { headers: { cookie: await cookieHeader() } });
    const salesRep = ((await roles.json()) as { value: RoleView[] }).value.find((role) => role.name === 'Sales rep')!;
    expect(salesRep.permissions.contact?.export).toBe('team');
    expect(salesRep.fieldRules).toEqual({ deal: { amount: 'hidden' } });
    await screenshotBothThemes(page, '87-admin-role-matrix');

    await page.getByTestId('role-new').click();
    await page.getByTestId('role-name').fill('Auditor');
    await page.getByTestId('matrix-report-view').selectOption('all');
    await page.getByTestId('role-save').click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/admin\/roles\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('role-open').allTextContents()).toContain('Auditor');
  });

  it('turns on 2FA for the admin, requires it, and shows the allowlist refusals', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-allowlist').waitFor();
    // Requiring 2FA before having it is refused with the server's reason.
    await page.getByTestId('settings-require-2fa-toggle').click();
    await expect.poll(() => page.getByTestId('settings-require-2fa-error').textContent()).toContain('your own account');

    await page.getByTestId('totp-begin').click();
    totpSecret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
    // The QR code on screen reads back as the setup link, which carries the key shown beside it.
    const scanned = await readQrCode(browser, page.getByTestId('totp-qr'));
    expect(scanned).toBe(await page.getByTestId('totp-link').getAttribute('href'));
    expect(new URL(scanned!).searchParams.get('secret')).toBe(totpSecret);
    await screenshotBothThemes(page, '88-admin-2fa-scan');
    await page.getByTestId('totp-code').fill('000000');
    await page.getByTestId('totp-confirm').click();
    await expect.poll(() => page.getByTestId('totp-error').textContent()).toContain('does not match');
    await page.getByTestId('totp-code').fill(await totpCodeAt(totpSecret, Date.now()));
    await page.getByTestId('totp-confirm').click();
    await expect.poll(() => page.getByTestId('totp-recovery-codes').locator('li').count()).toBe(10);
    await screenshotBothThemes(page, '88-admin-2fa-recovery-codes');
    await page.getByTestId('totp-saved').check();
    await page.getByTestId('totp-done').click();
    await expect.poll(() => page.getByTestId('settings-account-2fa').textContent()).toBe('Two-factor sign-in is on.');
    expect(await page.getByTestId('settings-require-2fa-toggle').isChecked()).toBe(false);
    // The box follows the server's answer, not the click.
    await page.getByTestId('settings-require-2fa-toggle').click();
    await expect.poll(() => page.getByTestId('settings-require-2fa-toggle').isChecked()).toBe(true);

    // A bare address is not a network: the line is named before anything is sent.
    await page.getByTestId('settings-allowlist-input').fill('10.0.0.0/8\n192.168.1.1');
    await page.getByTestId('settings-allowlist-save').click();
    expect(await page.getByTestId('settings-allowlist-error').textContent()).toContain(
      '“192.168.1.1” is not a network',
    );
    // A list that shuts out this browser's own address: the server refuses it and says why.
    await page.getByTestId('settings-allowlist-input').fill('10.0.0.0/8');
    await page.getByTestId('settings-allowlist-save').click();
    await expect
      .poll(() => page.getByTestId('settings-allowlist-error').textContent())
      .toContain(`must include your own address (${ADMIN_ADDRESS})`);
    await screenshotBothThemes(page, '89-admin-settings-allowlist-refused');

    await page.getByTestId('settings-allowlist-input').fill('10.0.0.0/8\n198.51.100.0/24');
    await page.getByTestId('settings-allowlist-save').click();
    await expect.poll(() => page.getByTestId('settings-allowlist-status').textContent()).toContain('applies now');
    // From an address outside the list, the admin pages themselves are refused.
    const outside = await openAdminUi(browser, `${server.url}/admin/`, { forwardedFor: '203.0.113.5' });
    expect(await outside.page.locator('body').textContent()).toContain('Requests from this network are not allowed.');
    await outside.context.close();
    await page.getByTestId('settings-allowlist-input').fill('');
    await page.getByTestId('settings-allowlist-save').click();
    await expect.poll(() => page.getByTestId('settings-allowlist-status').textContent()).toContain('every address');

    // The desktops' offline grace and the longest grant: checked here first, then saved on the server.
    await page.getByTestId('settings-offline-grace-input').fill('-3');
    await page.getByTestId('settings-desktop-policy-save').click();
    expect(await page.getByTestId('settings-desktop-policy-error').textContent()).toContain(
      'Offline grace: a whole number from 0 to 2160',
    );
    await page.getByTestId('settings-offline-grace-input').fill('24');
    await page.getByTestId('settings-grant-max-input').fill('4');
    await page.getByTestId('settings-desktop-policy-save').click();
    await expect.poll(() => page.getByTestId('settings-desktop-policy-status').textContent()).toContain('next policy');
    // Read back from the server: away from the page and back.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-desktop-policy').waitFor();
    expect(await page.getByTestId('settings-offline-grace-input').inputValue()).toBe('24');
    expect(await page.getByTestId('settings-grant-max-input').inputValue()).toBe('4');
    await screenshotBothThemes(page, '90-admin-settings');
  });

  it('makes a rep set up 2FA first and keeps a non-admin out of the admin pages', async () => {
    const rep = await openAdminUi(browser, `${server.url}/admin/`);
    await signInWithPassword(rep.page, REP);
    await rep.page.getByTestId('totp-required').waitFor();
    await screenshotBothThemes(rep.page, '91-admin-2fa-required');
    await rep.page.getByTestId('totp-begin').click();
    await rep.page.getByTestId('totp-scan').waitFor();
    await screenshotBothThemes(rep.page, '91-admin-2fa-required-scan');
    const secret = (await rep.page.getByTestId('totp-secret').getAttribute('data-secret'))!;
    await rep.page.getByTestId('totp-code').fill(await totpCodeAt(secret, Date.now()));
    await rep.page.getByTestId('totp-confirm').click();
    await rep.page.getByTestId('totp-saved').check();
    await rep.page.getByTestId('totp-done').click();
    await rep.page.getByTestId('not-admin').waitFor();
    expect(await rep.page.getByTestId('not-admin').textContent()).toContain(REP.email);
    expect(unexpected(rep.errors)).toEqual([]);
    await rep.context.close();
  });

  it('signs in again with a code from the app, after a wrong one', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    await screenshotBothThemes(page, '92-admin-sign-in');
    await signInWithPassword(page, ADMIN);
    await page.getByTestId('sign-in-code').waitFor();
    await page.getByTestId('sign-in-code').fill('123456');
    await page.getByTestId('sign-in-verify').click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('incorrect');
    await screenshotBothThemes(page, '93-admin-sign-in-code');
    // The set-up used this 30 s step's code; the next step's is accepted (one step either side) once.
    await page.getByTestId('sign-in-code').fill(await totpCodeAt(totpSecret, Date.now() + 30_000));
    await page.getByTestId('sign-in-verify').click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(ADMIN.email);
  });

  it('lists the role change in the audit log with its details, and the chain verifies', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-chain-ok').waitFor();
    await expect.poll(() => page.getByTestId('audit-entry').count()).toBeGreaterThan(10);
    const first = await page.getByTestId('audit-entry').first().getAttribute('data-action');
    expect(first).toBe('auth.login');
    await screenshotBothThemes(page, '94-admin-audit');

    await page.getByTestId('audit-filter-action').selectOption('role.updated');
    await expect.poll(() => page.getByTestId('audit-entry').count()).toBe(1);
    const entry = page.getByTestId('audit-entry');
    const text = await entry.textContent();
    expect(text).toContain(ADMIN.email);
    expect(text).toContain('role Sales rep');
    expect(text).toContain('permissions.contact.exportnone → team');
    expect(text).toContain('fieldRules.deal.amountvisible → hidden');
    await screenshotBothThemes(page, '95-admin-audit-role-change');

    await page.getByTestId('audit-filter-action').selectOption('');
    await page.getByTestId('audit-filter-actor').selectOption({ label: REP.email });
    await expect
      .poll(async () => new Set(await page.getByTestId('audit-entry').locator('td:nth-child(3)').allTextContents()))
      .toEqual(new Set([REP.email]));
    expect(unexpected(errors)).toEqual([]);
  });
});

async function cookieHeader(): Promise<string> {
  const cookies = await context.cookies(server.url);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}
