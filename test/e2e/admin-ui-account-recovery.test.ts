import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { TotpSetupOutput } from '../../common/api/server-second-factor.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { openAdminUi, signInWithPassword, unexpected } from '../harness/admin-ui.js';
import { launchChromium, screenshotBothThemes } from '../harness/chromium.js';
import { bootstrapAdmin, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Account recovery in the admin web UI, in Chromium against a real team server on 127.0.0.1: the admin
// resets a rep's forgotten password (the rules refuse a common one in the dialog first) and then the
// rep's lost second factor, each ending the rep's sessions; the rep then signs in to the same UI with
// the new password alone, which is a temporary one: they must choose their own (the rules and "not the
// temporary one" shown at the field) before they are in. The admin changes their own password under Settings (a wrong current one is
// shown at its field), and their other session ends while this page stays signed in.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'the rep forgot this passphrase' };
const REP_NEW = 'a fresh passphrase handed over';
const REP_OWN = 'the rep chose this one alone';
const ADMIN_NEW = 'the admin picked a new passphrase';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let admin: string;
let repToken: string;
const data = makeTempDir('clientele-admin-ui-recovery-e2e-');

async function login(account: { email: string; password: string }): Promise<{ status: number; token?: string }> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const body = (await response.json()) as { value?: { token?: string } };
  return { status: response.status, ...(body.value?.token ? { token: body.value.token } : {}) };
}

/** The status a session's next request gets (200 alive, 401 ended). */
async function sessionStatus(token: string): Promise<number> {
  const response = await fetch(`${server.url}/api/auth/session`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

beforeAll(async () => {
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server.db') },
    host: '127.0.0.1',
    port: 0,
  });
  admin = await bootstrapAdmin(server, ADMIN);
  const roles = await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin);
  const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
  await serverApi(
    server,
    'PUT',
    `/api/admin/users/${rep.id}/roles/${roles.find((r) => r.name === 'Sales rep')!.id}`,
    admin,
  );
  // The rep had 2FA on, and a session on their desktop.
  repToken = (await login(REP)).token!;
  const setup = await serverApi<TotpSetupOutput>(server, 'POST', '/api/auth/totp/setup', repToken);
  await serverApi(server, 'POST', '/api/auth/totp/confirm', repToken, {
    code: await totpCodeAt(setup.secret, Date.now()),
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  data.remove();
});

describe('account recovery in the admin web UI', () => {
  it('resets the rep’s password after the rules refused a common one, and ends the rep’s sessions', async () => {
    ({ context, page, errors } = await openAdminUi(browser, `${server.url}/admin/`));
    await signInWithPassword(page, ADMIN);
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-open').filter({ hasText: REP.email }).click();
    await page.getByTestId('user-recovery').waitFor();
    expect(await page.getByTestId('user-reset-2fa').isVisible()).toBe(true);

    await page.getByTestId('user-reset-password').click();
    const dialog = page.getByTestId('reset-password-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('All of their sessions end at once');
    expect(await dialog.textContent()).toContain('At least 8 characters');
    await page.getByTestId('reset-password-input').fill('short');
    await page.getByTestId('reset-password-confirm').click();
    expect(await page.getByTestId('reset-password-error').textContent()).toContain('at least 8 characters');
    await page.getByTestId('reset-password-input').fill('password123');
    await page.getByTestId('reset-password-confirm').click();
    await expect.poll(() => page.getByTestId('reset-password-error').textContent()).toContain('too common');
    await screenshotBothThemes(page, '110-admin-reset-password-refused');

    await page.getByTestId('reset-password-input').fill(REP_NEW);
    await page.getByTestId('reset-password-show').check();
    expect(await page.getByTestId('reset-password-input').getAttribute('type')).toBe('text');
    await screenshotBothThemes(page, '111-admin-reset-password');
    await page.getByTestId('reset-password-confirm').click();
    await expect
      .poll(() => page.getByTestId('user-recovery-done').textContent())
      .toBe('Password reset. 1 session signed out.');
    expect(await dialog.isVisible()).toBe(false);
    expect(await sessionStatus(repToken)).toBe(401);
    expect((await login(REP)).status).toBe(401);
    // Until the rep chooses their own, the directory says the password is a temporary one.
    await expect.poll(() => page.getByTestId('user-detail').textContent()).toContain('Temporary password');
  });

  it('resets the rep’s two-factor sign-in after a confirmation that says what happens', async () => {
    await page.getByTestId('user-reset-2fa').click();
    const dialog = page.getByTestId('reset-2fa-dialog');
    await dialog.waitFor();
    const text = await dialog.textContent();
    expect(text).toContain('Reset two-factor sign-in?');
    expect(text).toContain('recovery codes');
    expect(text).toContain('sessions end');
    await screenshotBothThemes(page, '112-admin-reset-2fa');
    await page.getByTestId('confirm-accept').click();
    await expect
      .poll(() => page.getByTestId('user-recovery-done').textContent())
      .toBe('Two-factor sign-in removed. 0 sessions signed out.');
    // The list reloaded: 2FA is off, so the offer is gone.
    await expect.poll(() => page.getByTestId('user-reset-2fa').count()).toBe(0);
    await screenshotBothThemes(page, '113-admin-user-recovered');
  });

  it('changes the admin’s own password under Settings; their other session ends, this page stays', async () => {
    const elsewhere = (await login(ADMIN)).token!;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('change-password-form').waitFor();
    await page.getByTestId('current-password').fill('not the admin password');
    await page.getByTestId('new-password').fill(ADMIN_NEW);
    await page.getByTestId('change-password-submit').click();
    await expect
      .poll(() => page.getByTestId('current-password-error').textContent())
      .toBe('The current password is incorrect.');
    await screenshotBothThemes(page, '114-admin-change-password-refused');
    await page.getByTestId('current-password').fill(ADMIN.password);
    await page.getByTestId('change-password-submit').click();
    await expect
      .poll(() => page.getByTestId('change-password-done').textContent())
      .toBe('Password changed. 2 sessions elsewhere signed out.');
    expect(await page.getByTestId('current-password').inputValue()).toBe('');
    await screenshotBothThemes(page, '115-admin-change-password');
    expect(await sessionStatus(elsewhere)).toBe(401);
    // This page's session stays: the directory still loads.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    expect(unexpected(errors)).toEqual([]);
  });

  it('lets the rep sign in with the new password alone, once they chose their own in its place', async () => {
    const rep = await openAdminUi(browser, `${server.url}/admin/`);
    await signInWithPassword(rep.page, { email: REP.email, password: REP_NEW });
    // No code asked (2FA was reset); the temporary password asks for the rep's own.
    await rep.page.getByTestId('sign-in-new-password-form').waitFor();
    expect(await rep.page.getByTestId('sign-in-code').count()).toBe(0);
    expect(await rep.page.getByTestId('new-password-reason').textContent()).toContain('temporary password');
    await rep.page.getByTestId('sign-in-new-password').fill('password123');
    await rep.page.getByTestId('sign-in-new-password-submit').click();
    await expect.poll(() => rep.page.getByTestId('sign-in-new-password-error').textContent()).toContain('too common');
    await rep.page.getByTestId('sign-in-new-password').fill(REP_NEW);
    await rep.page.getByTestId('sign-in-new-password-submit').click();
    await expect
      .poll(() => rep.page.getByTestId('sign-in-new-password-error').textContent())
      .toContain('temporary password');
    await rep.page.getByTestId('sign-in-new-password').fill(REP_OWN);
    await screenshotBothThemes(rep.page, '116-rep-choose-own-password');
    await rep.page.getByTestId('sign-in-new-password-submit').click();
    // Signed in: what a rep gets here.
    await rep.page.getByTestId('not-admin').waitFor();
    expect(unexpected(rep.errors)).toEqual([]);
    await rep.context.close();
    expect((await login({ email: REP.email, password: REP_NEW })).status).toBe(401);
    expect((await login({ email: REP.email, password: REP_OWN })).token).toEqual(expect.any(String));
    expect((await login({ email: ADMIN.email, password: ADMIN_NEW })).status).toBe(200);
  });
});
