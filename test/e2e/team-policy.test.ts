import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { PolicyView } from '../../common/rbac/policy.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { openAdminUi, signInWithPassword, unexpected } from '../harness/admin-ui.js';
import { launchChromium, onboard, openAppWindow, screenshotBothThemes } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Issue 7's loop as a rep lives it, in Chromium against browser mode and a real team server on
// 127.0.0.1: the admin (set-up through the admin API) gives a rep "Sales rep" plus contact export;
// the rep enrolls in Settings and sees Export CSV on Contacts; the admin, in the admin web UI's role
// matrix, takes export away; within one policy fetch interval (shortened to 2 s with
// CLIENTELE_POLICY_FETCH_INTERVAL_MS) the app hides Export and the export call itself answers FORBIDDEN.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const FETCH_INTERVAL_MS = 2_000;
/** After the admin saved: one fetch interval, plus the fetch, verification, event and re-render. */
const WITHIN_ONE_INTERVAL_MS = FETCH_INTERVAL_MS + 3_000;

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

let keyring: SecretService;
let server: RunningServer;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
let adminToken: string;
let salesRep: RoleView;
const data = makeTempDir('clientele-team-e2e-');

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await response.json()) as Body<T>;
  if (!parsed.ok) throw new Error(`${method} ${path}: ${response.status} ${parsed.error?.message}`);
  return parsed.value;
}

/** A call as the renderer makes it in browser mode (the session cookie rides along). */
function callFromPage(name: string): Promise<{ ok: boolean; error?: { code: string } }> {
  return page.evaluate(async (method) => {
    const response = await fetch(`/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: '{}',
    });
    return (await response.json()) as { ok: boolean; error?: { code: string } };
  }, name);
}

const screenshots = (name: string): Promise<void> => screenshotBothThemes(page, name);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server', 'server.db') },
    host: '127.0.0.1',
    port: 0,
  });
  const token = new URL(server.bootstrapLink!.replace('#token=', '?token=')).searchParams.get('token')!;
  const bootstrap = await fetch(`${server.url}/api/auth/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, ...ADMIN }),
  });
  adminToken = ((await bootstrap.json()) as Body<{ token: string }>).value.token;
  const rep = await admin<UserView>('POST', '/api/admin/users', REP);
  salesRep = (await admin<RoleView[]>('GET', '/api/admin/roles')).find((role) => role.name === 'Sales rep')!;
  const withExport = { ...salesRep.permissions, contact: { ...salesRep.permissions.contact, export: 'team' } };
  await admin('PUT', `/api/admin/roles/${salesRep.id}`, { permissions: withExport });
  await admin('PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`);

  browser = await launchChromium();
  app = await startBrowserMode(join(data.path, 'desktop'), {
    ...keyring.env,
    CLIENTELE_POLICY_FETCH_INTERVAL_MS: String(FETCH_INTERVAL_MS),
  });
  ({ context, page, errors } = await openAppWindow(browser, app.launchUrl));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await browser?.close();
  await server?.close();
  await keyring?.stop();
  data.remove();
});

describe('a rep on a team server', () => {
  it('enrolls in Settings, loses Export when the admin narrows the role, and the core refuses the export', async () => {
    await onboard(page, 'Rita Rep');
    // Solo: the owner may do everything, so Export CSV is offered.
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-export').waitFor();

    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('settings-team');
    await section.scrollIntoViewIfNeeded();
    // The solo owner may block senders: the form is there before enrolling.
    await page.getByTestId('blocked-form').waitFor();
    // Plain http to another machine is named before any request is made.
    await page.getByTestId('team-enroll-url').fill('http://team.example.com');
    await page.getByTestId('team-enroll-email').fill(REP.email);
    await page.getByTestId('team-enroll-password').fill(REP.password);
    await page.getByTestId('team-enroll-submit').click();
    expect(await page.getByTestId('team-url-error').textContent()).toContain('Use https://');
    // A wrong password: the server's refusal, nothing stored.
    await page.getByTestId('team-enroll-url').fill(server.url);
    await page.getByTestId('team-enroll-password').fill('not the password at all');
    await page.getByTestId('team-enroll-submit').click();
    await expect.poll(() => page.getByTestId('team-enroll-error').textContent()).toContain('incorrect');
    expect(await page.getByTestId('team-enroll-password').inputValue()).toBe('');
    await page.getByTestId('team-enroll-submit').scrollIntoViewIfNeeded();
    await screenshots('78-settings-team-enroll-error');

    await page.getByTestId('team-enroll-password').fill(REP.password);
    await page.getByTestId('team-enroll-fingerprint').fill(server.workspaceFingerprint);
    await page.getByTestId('team-enroll-submit').click();
    await page.getByTestId('team-facts').waitFor();
    expect(await page.getByTestId('team-server-url').textContent()).toBe(server.url);
    expect(await page.getByTestId('team-fingerprint').textContent()).toBe(server.workspaceFingerprint);
    expect(await page.getByTestId('team-policy-version').textContent()).toBe('version 1');
    await page.getByTestId('team-refresh-policy').click();
    await expect.poll(() => page.getByTestId('team-refresh-result').textContent()).toContain('current');
    // Blocking deletes mail, which "Sales rep" may not: Settings offers no block form any more.
    expect(await page.getByTestId('blocked-form').count()).toBe(0);
    await section.scrollIntoViewIfNeeded();
    await screenshots('79-settings-team-enrolled');

    // "Sales rep" with export: Export CSV on Contacts (and Import: the role creates its own contacts).
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-export').waitFor();
    await page.getByTestId('contacts-import').waitFor();
    // Companies: the role may not export them.
    await page.getByTestId('nav-companies').click();
    await page.getByTestId('page-companies').waitFor();
    expect(await page.getByTestId('companies-export').count()).toBe(0);

    // The admin, in the admin web UI (its own browser context and cookie), opens "Sales rep" in the
    // role matrix and takes contact export away.
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('page-contacts').waitFor();
    const adminUi = await openAdminUi(browser, `${server.url}/admin/roles`);
    await signInWithPassword(adminUi.page, ADMIN);
    await adminUi.page.getByTestId('role-open').filter({ hasText: 'Sales rep' }).click();
    expect(await adminUi.page.getByTestId('matrix-contact-export').inputValue()).toBe('team');
    await adminUi.page.getByTestId('matrix-contact-export').selectOption('none');
    await adminUi.page.getByTestId('role-save').click();
    await expect.poll(() => adminUi.page.getByTestId('role-status').textContent()).toContain('Saved');
    const savedAt = Date.now();
    const stored = (await admin<RoleView[]>('GET', '/api/admin/roles')).find((role) => role.id === salesRep.id)!;
    expect(stored.permissions.contact).toEqual({ ...salesRep.permissions.contact, export: undefined });
    expect(unexpected(adminUi.errors)).toEqual([]);
    await adminUi.context.close();

    // Within one policy fetch interval the app has the new policy: Export is gone, and the core refuses it.
    await expect
      .poll(() => page.getByTestId('contacts-export').count(), { timeout: WITHIN_ONE_INTERVAL_MS, interval: 100 })
      .toBe(0);
    expect(Date.now() - savedAt).toBeLessThanOrEqual(WITHIN_ONE_INTERVAL_MS);
    expect(await callFromPage('contacts.export')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The Export button went away by the policy.changed event (the UI's own re-read is every 30 s).
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('team-policy-version').textContent()).toBe('version 2');
    expect(errors).toEqual([]);
  });

  // The core's read-only lock (expiry plus grace passed offline, with a controlled clock) is tested
  // in test/unit (server-policy-source, authorization matrix); browser mode has no clock to move, so
  // here policy.get answers once with the reason the core gives, to show how the app presents it.
  it('shows the read-only lock across the app with its reason', async () => {
    const reason = 'The team policy expired offline since 2026-11-20 09:00 UTC. Connect to the team server.';
    await page.route('**/api/call/policy.get', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Body<PolicyView>;
      await route.fulfill({ response, json: { ...body, value: { ...body.value, readOnlyReason: reason } } });
    });
    await page.reload();
    await page.getByTestId('nav-contacts').click();
    await expect.poll(() => page.getByTestId('read-only-reason').textContent()).toBe(reason);
    await screenshots('80-read-only-banner');
    await page.unroute('**/api/call/policy.get');
  });
});
