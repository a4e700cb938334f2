import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { signInAtIdp, SSO_ADMIN, startSsoWorld, type SsoWorld } from '../harness/sso.js';
import { serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Single sign-on in Chromium: a rep enrolls the app (browser mode) with "Sign in with SSO" in Settings,
// signing in on a real OpenID provider's own pages in the tab the app opened; and the team server's web
// sign-in ends on /admin/ with the session cookie, which a real browser's SameSite rules decide.

const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };

let keyring: SecretService;
let world: SsoWorld;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
const data = makeTempDir('clientele-team-sso-e2e-');

async function screenshots(name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  world = await startSsoWorld(
    { kind: 'sqlite', file: join(data.path, 'server', 'server.db') },
    {
      accounts: {
        'sub-rep': { email: REP.email, email_verified: true },
        'sub-admin': { email: SSO_ADMIN.email, email_verified: true },
      },
      // Another site than the server (127.0.0.1), as a real IdP is: SameSite rules then apply in full.
      idpHost: 'localhost',
    },
  );
  const rep = await serverApi<UserView>(world.server, 'POST', '/api/admin/users', world.admin, REP);
  const roles = await serverApi<RoleView[]>(world.server, 'GET', '/api/admin/roles', world.admin);
  const salesRep = roles.find((role) => role.name === 'Sales rep')!;
  await serverApi(world.server, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, world.admin);

  browser = await launchChromium();
  app = await startBrowserMode(join(data.path, 'desktop'), keyring.env);
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await world?.close();
  await keyring?.stop();
  data.remove();
});

describe('single sign-on in the browser', () => {
  it('offers "Sign in with SSO" for a server that has it and enrolls the app through the IdP', async () => {
    await onboard(page, 'Rita Rep');
    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('settings-team');
    await section.scrollIntoViewIfNeeded();
    expect(await page.getByTestId('team-enroll-sso').count()).toBe(0);
    await page.getByTestId('team-enroll-url').fill(world.server.url);
    await page.getByTestId('team-enroll-sso').waitFor();
    await page.getByTestId('team-enroll-fingerprint').fill(world.server.workspaceFingerprint);
    await page.getByTestId('team-enroll-sso').scrollIntoViewIfNeeded();
    await screenshots('81-settings-team-sso-offered');

    const [tab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('team-enroll-sso').click()]);
    await page.getByTestId('team-sso-waiting').waitFor();
    await tab.locator('input[name="login"]').waitFor();
    expect(new URL(tab.url()).origin).toBe(world.idp.issuer);
    // The buttons sit under the waiting notice: scrolled to, so both are in the picture.
    await page.getByTestId('team-enroll-sso').scrollIntoViewIfNeeded();
    await screenshots('82-settings-team-sso-waiting');

    await signInAtIdp(tab, 'sub-rep');
    await tab.getByText('now enrolled with your team server').waitFor();
    expect(new URL(tab.url()).hostname).toBe('127.0.0.1');
    expect(new URL(tab.url()).pathname).toBe('/sso/callback');
    await page.getByTestId('team-facts').waitFor();
    expect(await page.getByTestId('team-server-url').textContent()).toBe(world.server.url);
    expect(await page.getByTestId('team-policy-version').textContent()).toBe('version 1');
    // "Sales rep" may not export: the app offers no Export CSV any more.
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('page-contacts').waitFor();
    expect(await page.getByTestId('contacts-export').count()).toBe(0);
    await tab.close();
    expect(errors).toEqual([]);
  });

  it('ends the web sign-in on /admin/ with the SameSite=Strict session cookie sent along', async () => {
    const web = await browser.newContext();
    try {
      const tab = await web.newPage();
      await tab.goto(`${world.server.url}/api/auth/sso/start`);
      const landing = tab.waitForRequest((request) => new URL(request.url()).pathname === '/admin/');
      await signInAtIdp(tab, 'sub-admin');
      const request = await landing;
      // The refresh from the server's own "Signed in" page is same-site: the Strict cookie goes with it.
      expect((await request.allHeaders()).cookie ?? '').toContain('clientele_session=');
      await tab.waitForURL(`${world.server.url}/admin/`);
      // The browser's own cookie jar holds a live session (/admin/ itself is the admin UI's page).
      const response = await web.request.get(`${world.server.url}/api/auth/session`);
      const session = (await response.json()) as { ok: boolean; value: { user: { email: string } } };
      expect(session).toMatchObject({ ok: true, value: { user: { email: SSO_ADMIN.email } } });
    } finally {
      await web.close();
    }
  });
});
