import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AuditPage } from '../../common/api/server-admin-audit.js';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { SsoConfigView } from '../../common/api/server-sso.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { openAdminUi, signInWithPassword, unexpected } from '../harness/admin-ui.js';
import { launchChromium, screenshotBothThemes } from '../harness/chromium.js';
import { startTestIdp, type TestIdp } from '../harness/oidc-provider.js';
import { serveIdpFontsOffline, signInAtIdp } from '../harness/sso.js';
import { bootstrapAdmin } from '../harness/team-desktop.js';
import { TEST_SECRET_KEY } from '../harness/team-server.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Single sign-on in the admin web UI, in Chromium against a real team server and a real OpenID provider
// (oidc-provider on another site, "localhost", as a real IdP is): the admin configures SSO in the page
// (the redirect URI to register, the write-only secret, the domain list, the role for new people) and
// meets the server's refusals where they belong, signs out, and signs in again through the IdP's own
// pages, landing in the admin UI. A new person from an allowed domain gets an account with that role.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const NEWBIE = 'newbie@example.com';

let server: RunningServer;
let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let adminToken: string;
const data = makeTempDir('clientele-admin-ui-sso-e2e-');

/** GET a route as the admin (the test's own Bearer session, not the browser's). */
async function asAdmin<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
  const body = (await response.json()) as { ok: boolean; value: T };
  expect(body.ok).toBe(true);
  return body.value;
}

/** A port nothing listens on: an issuer there never answers discovery. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The new person signing in with SSO in a browser of their own, landing on the "not an admin" page;
 * then `check`, then that browser closes.
 */
async function asNewcomer(check: (newcomer: Awaited<ReturnType<typeof openAdminUi>>) => Promise<void>): Promise<void> {
  const newcomer = await openAdminUi(browser, `${server.url}/admin/`);
  try {
    await serveIdpFontsOffline(newcomer.context);
    await newcomer.page.getByTestId('sign-in-sso').click();
    await signInAtIdp(newcomer.page, 'sub-newbie');
    await newcomer.page.getByTestId('not-admin').waitFor();
    await check(newcomer);
  } finally {
    await newcomer.context.close();
  }
}

/** The SSO page is taller than the window and scrolls inside it: a taller window shows it whole. */
async function screenshotSsoPage(name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 1900 });
  await screenshotBothThemes(page, name);
  await page.setViewportSize({ width: 1280, height: 1100 });
}

/**
 * The browser's errors less the refusals this test provokes on purpose: 4xx (harness/admin-ui.ts) and
 * the 503 of an issuer that does not answer discovery.
 */
function unexpectedHere(list: readonly string[]): string[] {
  return unexpected(list).filter((error) => !/^Failed to load resource: .* status of 503 /.test(error));
}

beforeAll(async () => {
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server.db') },
    host: '127.0.0.1',
    port: 0,
    secretKey: { kind: 'text', text: TEST_SECRET_KEY, origin: 'the test key' },
  });
  idp = await startTestIdp({
    redirectUris: [`${server.url}/api/auth/sso/callback`],
    postLogoutRedirectUris: [`${server.url}/admin/`],
    accounts: {
      'sub-admin': { email: ADMIN.email, email_verified: true },
      'sub-newbie': { email: NEWBIE, email_verified: true },
    },
    host: 'localhost',
  });
  adminToken = await bootstrapAdmin(server, ADMIN);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await idp?.close();
  data.remove();
});

describe('single sign-on in the admin web UI', () => {
  it('offers no SSO on the sign-in page while it is off, and shows the redirect URI to register with a copy button', async () => {
    ({ context, page, errors } = await openAdminUi(browser, `${server.url}/admin/`));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await serveIdpFontsOffline(context);
    const status = await fetch(`${server.url}/api/auth/sso/status`);
    expect(await status.json()).toEqual({ ok: true, value: { enabled: false } });
    // Once the page's own status read is answered (no request left), it has decided on the offer.
    await page.getByTestId('sign-in-form').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('sign-in-sso').count()).toBe(0);

    await signInWithPassword(page, ADMIN);
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('nav-sso').click();
    await page.getByTestId('sso-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sso');
    expect(await page.getByTestId('sso-state').textContent()).toBe('Off');
    expect(await page.getByTestId('sso-redirect-uri').inputValue()).toBe(`${server.url}/api/auth/sso/callback`);
    await page.getByTestId('sso-redirect-uri-copy').click();
    await expect.poll(() => page.getByTestId('sso-redirect-uri-copy-status').textContent()).toContain('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/api/auth/sso/callback`);
    expect(await page.getByTestId('sso-post-logout-redirect-uri').inputValue()).toBe(`${server.url}/admin/`);
    // No secret yet: a field to type it, not a "set" badge.
    expect(await page.getByTestId('sso-secret').count()).toBe(1);
    expect(await page.getByTestId('sso-secret-set').count()).toBe(0);
    await page.getByTestId('sso-domains-empty').waitFor();
    await screenshotSsoPage('96-admin-sso-new');
  });

  it("shows each refusal next to what it concerns, the server's included, and saves nothing", async () => {
    // The switch with nothing else: the server names what is missing, at the switch.
    await page.getByTestId('sso-enabled').check();
    await page.getByTestId('sso-save').click();
    await expect
      .poll(() => page.getByTestId('sso-enabled-error').textContent())
      .toBe('To turn single sign-on on, set the issuer URL, the client ID, the client secret.');

    // Field by field, before anything is sent: an issuer that is not a URL, a domain with an @.
    await page.getByTestId('sso-issuer').fill('login.example.com');
    await page.getByTestId('sso-domain-input').fill('sales@example.com');
    await page.getByTestId('sso-domain-add').click();
    expect(await page.getByTestId('sso-domains-error').textContent()).toContain('Enter a mail domain');
    expect(await page.getByTestId('sso-domain').count()).toBe(0);
    await page.getByTestId('sso-save').click();
    await expect.poll(() => page.getByTestId('sso-issuer-error').textContent()).toContain('issuer URL');
    expect(await page.getByTestId('sso-refused').textContent()).toContain('Issuer URL');

    // Everything but a domain: the server's 400 lands at the domain list.
    await page.getByTestId('sso-domain-input').fill('');
    await page.getByTestId('sso-issuer').fill(idp.issuer);
    await page.getByTestId('sso-client-id').fill(idp.clientId);
    await page.getByTestId('sso-secret').fill(idp.clientSecret);
    await page.getByTestId('sso-save').click();
    await expect
      .poll(() => page.getByTestId('sso-domains-error').textContent())
      .toBe('List at least one mail domain that may sign in.');
    expect(await page.getByTestId('sso-issuer-error').count()).toBe(0);

    // An issuer nobody answers at: discovery fails (503), said at the issuer.
    const deadIssuer = `http://127.0.0.1:${await closedPort()}`;
    await page.getByTestId('sso-domain-input').fill('example.com');
    await page.getByTestId('sso-domain-input').press('Enter');
    await expect.poll(() => page.getByTestId('sso-domain').allTextContents()).toEqual(['example.com×']);
    await page.getByTestId('sso-issuer').fill(deadIssuer);
    const refusal = page.waitForResponse((response) => response.url().endsWith('/api/admin/sso'));
    await page.getByTestId('sso-save').click();
    expect((await refusal).status()).toBe(503);
    const issuerError = await page.getByTestId('sso-issuer-error').textContent();
    expect(issuerError).toContain(`The identity provider at ${deadIssuer} could not be reached`);
    expect(issuerError).toContain('Nothing was saved.');
    expect(await page.getByTestId('sso-domains-error').count()).toBe(0);
    await screenshotSsoPage('97-admin-sso-refused');

    const stored = await asAdmin<SsoConfigView>('/api/admin/sso');
    expect(stored).toMatchObject({ enabled: false, issuer: null, clientId: null, clientSecretSet: false });
    expect(await page.getByTestId('sso-state').textContent()).toBe('Off');
  });

  it('saves a working configuration with a role for new people, and never shows the secret again', async () => {
    const roles = await asAdmin<RoleView[]>('/api/admin/roles');
    const salesRep = roles.find((role) => role.name === 'Sales rep')!;
    await page.getByTestId('sso-issuer').fill(idp.issuer);
    await page.getByTestId('sso-auto-provision').check();
    await page.getByTestId('sso-default-role').selectOption({ label: 'Sales rep' });
    await page.getByTestId('sso-save').click();
    await expect.poll(() => page.getByTestId('sso-status').textContent()).toContain('Single sign-on is on');
    expect(await page.getByTestId('sso-state').textContent()).toBe('On');
    expect(await page.getByTestId('sso-refused').count()).toBe(0);
    await page.getByTestId('sso-secret-set').waitFor();
    expect(await page.getByTestId('sso-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(idp.clientSecret);

    const stored = await asAdmin<SsoConfigView>('/api/admin/sso');
    expect(stored).toEqual({
      enabled: true,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretSet: true,
      allowedEmailDomains: ['example.com'],
      autoProvision: true,
      defaultRoleId: salesRep.id,
      redirectUri: `${server.url}/api/auth/sso/callback`,
      postLogoutRedirectUri: `${server.url}/admin/`,
      backchannelLogoutUri: `${server.url}/api/auth/sso/backchannel-logout`,
    });

    // Read back after a reload: what the server keeps, the secret as "set" only.
    const answer = page.waitForResponse((response) => response.url().endsWith('/api/admin/sso'));
    await page.reload();
    expect(await (await answer).text()).not.toContain(idp.clientSecret);
    await page.getByTestId('sso-form').waitFor();
    expect(await page.getByTestId('sso-issuer').inputValue()).toBe(idp.issuer);
    expect(await page.getByTestId('sso-domain').allTextContents()).toEqual(['example.com×']);
    expect(await page.getByTestId('sso-default-role').inputValue()).toBe(salesRep.id);
    expect(await page.getByTestId('sso-enabled').isChecked()).toBe(true);
    await screenshotSsoPage('98-admin-sso-on');

    // Replacing the secret opens a field; keeping the current one closes it with nothing to save.
    await page.getByTestId('sso-secret-replace').click();
    expect(await page.getByTestId('sso-secret').inputValue()).toBe('');
    expect(await page.getByTestId('sso-save').isDisabled()).toBe(true);
    await page.getByTestId('sso-secret').fill('typed by mistake');
    expect(await page.getByTestId('sso-save').isDisabled()).toBe(false);
    await page.getByTestId('sso-secret-keep').click();
    await page.getByTestId('sso-secret-set').waitFor();
    expect(await page.getByTestId('sso-save').isDisabled()).toBe(true);
  });

  it('signs out, then signs in with SSO through the IdP and lands in the admin UI', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByTestId('sign-in-sso').waitFor();
    await screenshotBothThemes(page, '99-admin-sign-in-sso');

    await page.getByTestId('sign-in-sso').click();
    await page.locator('input[name="login"]').waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await signInAtIdp(page, 'sub-admin');
    await page.waitForURL(`${server.url}/admin/`);
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(ADMIN.email);

    const logins = await asAdmin<AuditPage>('/api/admin/audit?action=auth.login&limit=1');
    expect(logins.entries[0]?.details).toMatchObject({ method: 'sso', issuer: idp.issuer, subject: 'sub-admin' });
    expect(unexpectedHere(errors)).toEqual([]);
  });

  it('makes an account with the default role for a new person from an allowed domain, who is not an admin', async () => {
    await asNewcomer(async (newcomer) => {
      expect(await newcomer.page.getByTestId('not-admin').textContent()).toContain(NEWBIE);
      expect(unexpected(newcomer.errors)).toEqual([]);
    });
    const users = await asAdmin<UserView[]>('/api/admin/users');
    const roles = await asAdmin<RoleView[]>('/api/admin/roles');
    const salesRep = roles.find((role) => role.name === 'Sales rep')!;
    expect(users.find((user) => user.email === NEWBIE)?.roleIds).toEqual([salesRep.id]);
    // The admin's Users page was read before the newcomer existed: read it again.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('user-row').filter({ hasText: NEWBIE }).textContent())
      .toContain('Sales rep');
  });

  it('shows the identity a user signs in with and unlinks it: their SSO session ends, the next sign-in links again', async () => {
    // One's own identity is shown, never offered for unlinking.
    await page.getByTestId('user-open').filter({ hasText: ADMIN.email }).click();
    await expect.poll(() => page.getByTestId('user-identity').textContent()).toContain('sub-admin');
    expect(await page.getByTestId('user-identity-unlink').count()).toBe(0);

    await page.getByTestId('user-open').filter({ hasText: NEWBIE }).click();
    await expect.poll(() => page.getByTestId('user-identity').textContent()).toContain('Subject sub-newbie');
    expect(await page.getByTestId('user-identity').textContent()).toContain(idp.issuer);
    await expect.poll(() => page.getByTestId('user-session').count()).toBe(1);
    await page.getByTestId('user-identity-unlink').click();
    const dialog = page.getByTestId('unlink-identity-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('sessions opened through single sign-on end');
    await screenshotBothThemes(page, '100-admin-unlink-identity');
    await page.getByTestId('confirm-accept').click();
    await expect
      .poll(() => page.getByTestId('user-recovery-done').textContent())
      .toBe('Identity unlinked. 1 session signed out.');
    await expect.poll(() => page.getByTestId('user-identities').count()).toBe(0);
    await page.getByTestId('user-sessions-empty').waitFor();
    const unlinked = await asAdmin<AuditPage>('/api/admin/audit?action=user.sso_unlinked&limit=1');
    expect(unlinked.entries[0]?.details).toMatchObject({ issuer: idp.issuer, subject: 'sub-newbie' });

    // The way back: the next single sign-on with the account's email links an identity again.
    await asNewcomer(async () => undefined);
    await page.reload();
    await page.getByTestId('user-open').filter({ hasText: NEWBIE }).click();
    await expect.poll(() => page.getByTestId('user-identity').count()).toBe(1);
    expect(unexpectedHere(errors)).toEqual([]);
  });

  it('signs out at the IdP too: it asks, comes back to the sign-in page, and the next SSO sign-in asks who it is', async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${server.url}/admin/`);
    await page.getByTestId('sign-in-form').waitFor();
    const logouts = await asAdmin<AuditPage>('/api/admin/audit?action=auth.logout&limit=1');
    expect(logouts.entries[0]?.details).toEqual({ method: 'sso', idpSignOut: true });

    // Without the IdP's sign-out this went straight back in as the admin: now the IdP asks.
    await page.getByTestId('sign-in-sso').click();
    await page.locator('input[name="login"]').waitFor();
    await signInAtIdp(page, 'sub-admin');
    await page.getByTestId('users-table').waitFor();
    expect(unexpectedHere(errors)).toEqual([]);
  });
});
