import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import type { GrantView } from '../../common/api/server-grants.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { GRANTS_REFRESH_MS } from '../../server/admin-ui/src/pages/grants/grants-refresh.js';
import { openAdminUi, signInWithPassword, unexpected } from '../harness/admin-ui.js';
import { launchChromium, screenshotBothThemes } from '../harness/chromium.js';
import { bootstrapAdmin, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Access requests in the admin web UI, in Chromium against a real team server on 127.0.0.1: a rep asks
// for temporary access through the server's API (what the desktop's Settings does), their manager
// (Sales manager: users edit over the Sales team) approves it for less time in the admin UI and sees it
// in force, denies another with a note, revokes the first; the server's refusals of a decision on a
// stale list (the manager's role narrowed, the rep moved out of the team) are shown in the dialog. And
// a user who may only view users gets the directory read-only, the workspace pages not at all.

const PASSWORD = 'a long passphrase nobody guesses';
const ADMIN = { email: 'admin@example.com', password: PASSWORD };
const MANAGER = { email: 'manager@example.com', password: PASSWORD };
const REP = { email: 'rep@example.com', password: PASSWORD };
const VIEWER = { email: 'viewer@example.com', password: PASSWORD };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let admin: string;
let repToken: string;
let repId: string;
let salesTeam: string;
const data = makeTempDir('clientele-admin-ui-grants-e2e-');

async function signIn(account: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  return ((await response.json()) as { value: { token: string } }).value.token;
}

/** The rep asks, as the desktop's "Request temporary access" does. */
function ask(body: { object: string; action: string; scope: string; minutes: number; reason: string }) {
  return serverApi<GrantView>(server, 'POST', '/api/grants', repToken, body);
}

async function repGrant(id: string): Promise<GrantView> {
  const mine = await serverApi<GrantView[]>(server, 'GET', '/api/grants/mine', repToken);
  return mine.find((grant) => grant.id === id)!;
}

async function salesManagerRole(): Promise<RoleView> {
  const roles = await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin);
  return roles.find((role) => role.name === 'Sales manager')!;
}

/** The navigation's entries, in order. */
async function navIds(): Promise<string[]> {
  return page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((link) => link.dataset.testid!));
}

beforeAll(async () => {
  server = await startServer({
    database: { kind: 'sqlite', file: join(data.path, 'server.db') },
    host: '127.0.0.1',
    port: 0,
  });
  admin = await bootstrapAdmin(server, ADMIN);
  const roles = await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin);
  const roleId = (name: string): string => roles.find((role) => role.name === name)!.id;
  const viewerRole = await serverApi<RoleView>(server, 'POST', '/api/admin/roles', admin, {
    name: 'Directory viewer',
    permissions: { users: { view: 'all' } },
    fieldRules: {},
    emailVisibility: 'metadata',
  });
  const manager = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, MANAGER);
  const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
  const viewer = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, VIEWER);
  repId = rep.id;
  await serverApi(server, 'PUT', `/api/admin/users/${manager.id}/roles/${roleId('Sales manager')}`, admin);
  await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${roleId('Sales rep')}`, admin);
  await serverApi(server, 'PUT', `/api/admin/users/${viewer.id}/roles/${viewerRole.id}`, admin);
  const team = await serverApi<TeamView>(server, 'POST', '/api/admin/teams', admin, { name: 'Sales' });
  salesTeam = team.id;
  await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${manager.id}`, admin, { manager: true });
  await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${rep.id}`, admin, { manager: false });
  repToken = await signIn(REP);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  data.remove();
});

describe('access requests in the admin web UI', () => {
  let exportContacts: string;

  it('shows the manager the pages their role opens, and the rep’s request with what, how long and why', async () => {
    exportContacts = (
      await ask({
        object: 'contact',
        action: 'export',
        scope: 'own',
        minutes: 120,
        reason: 'The customer asked for the list of their contacts',
      })
    ).id;

    ({ context, page, errors } = await openAdminUi(browser, `${server.url}/admin/`));
    await signInWithPassword(page, MANAGER);
    await page.getByTestId('users-table').waitFor();
    // users view and edit over the team; settings only their own desktop's: no workspace pages.
    expect(await navIds()).toEqual(['nav-users', 'nav-teams', 'nav-roles', 'nav-grants', 'nav-settings']);

    await page.getByTestId('nav-grants').click();
    await page.getByTestId('grants-pending').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/access-requests');
    const row = page.getByTestId('grant-pending');
    expect(await row.count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain(REP.email);
    expect(text).toContain('Export contacts');
    expect(text).toContain('their own records');
    expect(text).toContain('2 hours');
    expect(text).toContain('The customer asked for the list of their contacts');
    await page.getByTestId('grants-active-empty').waitFor();
    await page.getByTestId('grants-past-empty').waitFor();
    await screenshotBothThemes(page, '100-admin-access-requests');
  });

  it('approves it for less time than asked; the grant shows in force and reaches the rep', async () => {
    await page.getByTestId('grant-approve').click();
    const dialog = page.getByTestId('grant-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('The customer asked for the list of their contacts');
    expect(await page.getByTestId('grant-minutes').locator('option').allTextContents()).toEqual([
      '2 hours (as asked)',
      '1 hour (shorter)',
      '30 minutes (shorter)',
      '15 minutes (shorter)',
    ]);
    await page.getByTestId('grant-minutes').selectOption({ label: '1 hour (shorter)' });
    await screenshotBothThemes(page, '101-admin-access-approve');
    await page.getByTestId('grant-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('grants-status').textContent())
      .toBe(`Approved: ${REP.email} may export contacts for 1 hour, from their app's next policy fetch.`);
    expect(await page.getByTestId('grant-dialog').count()).toBe(0);
    await page.getByTestId('grants-pending-empty').waitFor();
    const live = page.getByTestId('grant-active');
    await expect.poll(() => live.count()).toBe(1);
    expect(await live.getAttribute('data-grant-id')).toBe(exportContacts);
    const liveText = await live.textContent();
    expect(liveText).toContain('Export contacts');
    expect(liveText).toMatch(/in (59 minutes|1 hour)/);
    expect(liveText).toContain('by you, for 1 hour');

    expect(await repGrant(exportContacts)).toMatchObject({ status: 'approved', approvedMinutes: 60 });
  });

  it('shows a new request by itself, then denies it with a note the rep gets', async () => {
    // The page's own clock, fast-forwarded: the lists' timer starts when the page opens again.
    await page.clock.install();
    await page.getByTestId('nav-users').click();
    await page.getByTestId('nav-grants').click();
    await page.getByTestId('page-grants').waitFor();
    await expect.poll(() => page.getByTestId('grant-pending').count()).toBe(0);
    const dealExport = (
      await ask({ object: 'deal', action: 'export', scope: 'own', minutes: 30, reason: 'Quarterly forecast' })
    ).id;
    // Not before the refresh is due (no click on Refresh anywhere in this test)...
    await page.clock.runFor(GRANTS_REFRESH_MS - 2_000);
    expect(await page.getByTestId('grant-pending').count()).toBe(0);
    // ...and there once it is.
    await page.clock.runFor(2_000);
    await expect.poll(() => page.getByTestId('grant-pending').count()).toBe(1);
    await page.getByTestId('grant-deny').click();
    await page.getByTestId('grant-note').fill('Use the pipeline report instead');
    await page.getByTestId('grant-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('grants-status').textContent()).toContain(`Denied: ${REP.email}`);
    const denied = page.locator(`[data-testid="grant-past"][data-grant-id="${dealExport}"]`);
    await expect.poll(() => denied.getAttribute('data-status')).toBe('denied');
    expect(await denied.textContent()).toContain('Use the pipeline report instead');
    expect(await repGrant(dealExport)).toMatchObject({ status: 'denied', note: 'Use the pipeline report instead' });
  });

  it('revokes the grant in force: it ends at once for the rep and is listed as revoked', async () => {
    await page.getByTestId('grant-revoke').click();
    expect(await page.getByTestId('grant-dialog').textContent()).toContain('Given for1 hour');
    await page.getByTestId('grant-note').fill('Export done, thanks');
    await page.getByTestId('grant-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('grants-status').textContent()).toContain(`Revoked: ${REP.email}`);
    await page.getByTestId('grants-active-empty').waitFor();
    const revoked = page.locator(`[data-testid="grant-past"][data-grant-id="${exportContacts}"]`);
    await expect.poll(() => revoked.getAttribute('data-status')).toBe('revoked');
    // The most recently ended first.
    expect(await page.getByTestId('grant-past').evaluateAll((rows) => rows.map((row) => row.dataset.status))).toEqual([
      'revoked',
      'denied',
    ]);
    expect(await repGrant(exportContacts)).toMatchObject({ status: 'revoked', note: 'Export done, thanks' });
    await screenshotBothThemes(page, '102-admin-access-past');
  });

  it('shows the server’s refusal of a decision the list no longer allows: narrowed role, rep out of the team', async () => {
    const companyExport = (
      await ask({ object: 'company', action: 'export', scope: 'own', minutes: 60, reason: 'Trade fair leads' })
    ).id;
    await page.getByTestId('grants-refresh').click();
    await expect.poll(() => page.getByTestId('grant-pending').count()).toBe(1);

    // The admin narrows "Sales manager" meanwhile: company export is no longer theirs to hand on.
    const role = await salesManagerRole();
    const narrowed = { ...role.permissions, company: { ...role.permissions.company, export: 'none' } };
    await serverApi(server, 'PUT', `/api/admin/roles/${role.id}`, admin, { permissions: narrowed });
    await page.getByTestId('grant-approve').click();
    await page.getByTestId('grant-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('grant-dialog-error').textContent())
      .toContain("You can approve only what your own roles give you: this asks for export company at scope 'own'");
    await screenshotBothThemes(page, '103-admin-access-refused');
    await page.getByTestId('grant-dialog-cancel').click();
    // Read again, the list no longer offers what the manager can't approve.
    await page.getByTestId('grants-pending-empty').waitFor();

    // Given back; then the rep leaves the team before the manager decides.
    await serverApi(server, 'PUT', `/api/admin/roles/${role.id}`, admin, { permissions: role.permissions });
    await page.getByTestId('grants-refresh').click();
    await expect.poll(() => page.getByTestId('grant-pending').count()).toBe(1);
    await serverApi(server, 'DELETE', `/api/admin/teams/${salesTeam}/members/${repId}`, admin);
    await page.getByTestId('grant-deny').click();
    await page.getByTestId('grant-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('grant-dialog-error').textContent())
      .toBe('The server refusedYou may deny requests only of the users in the teams you manage.');
    await page.getByTestId('grant-dialog-cancel').click();
    await page.getByTestId('grants-pending-empty').waitFor();
    expect(await repGrant(companyExport)).toMatchObject({ status: 'pending' });
    expect(unexpected(errors)).toEqual([]);
  });

  it('gives a user who may only view users the directory read-only and none of the rest', async () => {
    const viewer = await openAdminUi(browser, `${server.url}/admin/`);
    try {
      const view = viewer.page;
      await signInWithPassword(view, VIEWER);
      await view.getByTestId('users-table').waitFor();
      expect(
        await view.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((link) => link.dataset.testid)),
      ).toEqual(['nav-users', 'nav-teams', 'nav-roles', 'nav-settings']);
      expect(await view.getByTestId('read-only').textContent()).toContain('see these accounts, not change them');
      expect(await view.getByTestId('user-new').count()).toBe(0);
      await view.getByTestId('user-open').filter({ hasText: REP.email }).click();
      await view.getByTestId('user-detail').waitFor();
      expect(await view.getByTestId('user-role-Sales rep').isChecked()).toBe(true);
      expect(await view.getByTestId('user-role-Sales rep').isDisabled()).toBe(true);
      expect(await view.getByTestId('user-disable').count()).toBe(0);
      await screenshotBothThemes(view, '104-admin-users-read-only');

      await view.getByTestId('nav-roles').click();
      await view.getByTestId('role-open').filter({ hasText: 'Sales rep' }).click();
      await view.getByTestId('role-editor').waitFor();
      expect(await view.getByTestId('role-new').count()).toBe(0);
      expect(await view.getByTestId('matrix-contact-view').isDisabled()).toBe(true);
      expect(await view.getByTestId('role-save').isDisabled()).toBe(true);

      // A workspace page by its address: the page says why, instead of failing call by call.
      await view.goto(`${server.url}/admin/audit`);
      await view.getByTestId('page-not-allowed').waitFor();
      expect(await view.getByTestId('page-not-allowed').textContent()).toContain('open Audit log');
      await view.goto(`${server.url}/admin/access-requests`);
      await view.getByTestId('page-not-allowed').waitFor();
      expect(unexpected(viewer.errors)).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });
});
