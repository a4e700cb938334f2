import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import type { GrantView } from '../../common/api/server-grants.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { startBrowserMode, type RunningBrowserMode } from '../harness/browser-mode.js';
import { launchChromium, onboard, openAppWindow, screenshot } from '../harness/chromium.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { bootstrapAdmin, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// A rep asks for temporary access from Settings → Team server, in Chromium against browser mode and a
// real team server on 127.0.0.1: "Sales rep" has no contact export, so Contacts offers none; the rep
// asks for it, the request shows as waiting; their manager approves it on the server; within one
// policy fetch interval (2 s here) the request shows as active and Contacts offers Export CSV, and
// the export itself succeeds. Expiry is proven with a controlled clock in test/integration.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const MANAGER = { email: 'manager@example.com', password: 'manager passphrase of decent length' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const FETCH_INTERVAL_MS = 2_000;

let keyring: SecretService;
let server: RunningServer;
let browser: Browser;
let app: RunningBrowserMode;
let context: BrowserContext;
let page: Page;
let errors: string[];
let managerToken: string;
const data = makeTempDir('clientele-grants-e2e-');

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

async function screenshots(name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server', 'server.db') },
    host: '127.0.0.1',
    port: 0,
  });
  const admin = await bootstrapAdmin(server, ADMIN);
  const roles = await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin);
  const roleId = (name: string) => roles.find((role) => role.name === name)!.id;
  const manager = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, MANAGER);
  const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
  await serverApi(server, 'PUT', `/api/admin/users/${manager.id}/roles/${roleId('Sales manager')}`, admin);
  await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${roleId('Sales rep')}`, admin);
  const team = await serverApi<TeamView>(server, 'POST', '/api/admin/teams', admin, { name: 'Sales' });
  await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${manager.id}`, admin, { manager: true });
  await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${rep.id}`, admin, { manager: false });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(MANAGER),
  });
  managerToken = ((await login.json()) as { value: { token: string } }).value.token;

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

describe('temporary access from Settings', () => {
  it('asks for contact export, sees it waiting, and gets Export CSV once the manager approves', async () => {
    await onboard(page, 'Rita Rep');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('team-enroll-url').fill(server.url);
    await page.getByTestId('team-enroll-email').fill(REP.email);
    await page.getByTestId('team-enroll-password').fill(REP.password);
    await page.getByTestId('team-enroll-submit').click();
    await page.getByTestId('team-facts').waitFor();
    await expect.poll(() => page.getByTestId('grant-list-empty').textContent()).toBe('No requests yet.');

    // "Sales rep" may not export contacts: no Export CSV.
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('page-contacts').waitFor();
    expect(await page.getByTestId('contacts-export').count()).toBe(0);

    // The form: a reason is required before anything is sent.
    await page.getByTestId('nav-settings').click();
    const form = page.getByTestId('grant-form');
    await form.scrollIntoViewIfNeeded();
    await page.getByTestId('grant-submit').click();
    expect(await page.getByTestId('grant-reason-error').textContent()).toContain('Say why');

    // Export, contacts, my own records, for 1 hour (the form's defaults), with a reason.
    expect(await page.getByTestId('grant-action').inputValue()).toBe('export');
    expect(await page.getByTestId('grant-object').inputValue()).toBe('contact');
    await page.getByTestId('grant-minutes').selectOption('120');
    await page.getByTestId('grant-reason').fill('The customer asked for a copy of their contacts');
    await page.getByTestId('grant-submit').click();
    await expect.poll(() => page.getByTestId('grant-result').textContent()).toContain('waiting for an approver');
    await expect.poll(() => page.getByTestId('grant-status').textContent()).toBe('Waiting');
    expect(await page.getByTestId('grant-detail').textContent()).toMatch(/^Asked .+ for 2 hours$/);
    expect(await page.getByTestId('grant-reason').inputValue()).toBe('');

    // Asking again: the server's refusal, in its words.
    await page.getByTestId('grant-reason').fill('Still need it');
    await page.getByTestId('grant-submit').click();
    await expect
      .poll(() => page.getByTestId('grant-result').textContent())
      .toContain('You asked for export contact already; that request is waiting for a decision.');
    // Editing the form again puts the stale answer away.
    await page.getByTestId('grant-reason').fill('');
    expect(await page.getByTestId('grant-result').count()).toBe(0);
    await page.getByTestId('grant-list').scrollIntoViewIfNeeded();
    await screenshots('81-settings-team-grant-waiting');

    // The manager approves it for 60 minutes; the next policy fetch brings it to the app.
    const [waiting] = await serverApi<GrantView[]>(server, 'GET', '/api/grants/pending', managerToken);
    await serverApi(server, 'POST', `/api/grants/${waiting!.id}/approve`, managerToken, { minutes: 60 });
    await expect
      .poll(() => page.getByTestId('grant-status').textContent(), { timeout: 20_000, interval: 250 })
      .toBe('Active');
    expect(await page.getByTestId('grant-detail').textContent()).toMatch(/^Until /);
    expect(await page.getByTestId('grant-cancel').textContent()).toBe('Give back');
    // The section's facts follow the policy that brought it.
    await expect.poll(() => page.getByTestId('team-policy-version').textContent()).toBe('version 2');
    await page.getByTestId('grant-list').scrollIntoViewIfNeeded();
    await screenshots('82-settings-team-grant-active');

    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-export').waitFor();
    expect(await callFromPage('contacts.export')).toMatchObject({ ok: true });

    // Given back: the app follows at once (the cancel fetches the narrowed policy).
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('grant-cancel').click();
    await expect.poll(() => page.getByTestId('grant-status').textContent()).toBe('Cancelled');
    expect(await callFromPage('contacts.export')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(errors).toEqual([]);
  });
});
