import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceSecuritySettings } from '../../common/api/server-second-factor.js';
import { DEFAULT_OFFLINE_GRACE_HOURS, MAX_OFFLINE_GRACE_HOURS } from '../../common/rbac/policy.js';
import { migrate } from '../../server/db/migrator.js';
import { MIGRATIONS } from '../../server/db/migrations/index.js';
import { openDatabase, type DatabaseTarget } from '../../server/db/database.js';
import { makeWorkspace, must, send, type Workspace } from '../harness/server-workspace.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// The offline grace is a workspace setting (migration 0010): the admin changes it with the other
// settings, every user's signed policy carries it (a change is a new version for everyone), every
// instance sees it once the settings' short cache runs out, and the change is audited. On SQLite
// and PostgreSQL.

const SETTINGS_CACHE_MS = 5_000;

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('offline grace setting on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let target: DatabaseTarget;
  let ws: Workspace;

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
    ws = await makeWorkspace(server, clock);
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  const policyOf = async (app: ServerInstance['app'], token: string) => {
    const response = await app.inject({ method: 'GET', url: '/api/policy', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    const claims = decodeJwt(response.body) as { version: number; offlineGraceHours: number };
    return { ...claims, etag: response.headers.etag as string };
  };

  it('starts at 72 h, and a change re-issues every policy with the new grace, here and on another instance', async () => {
    const settings = await must<WorkspaceSecuritySettings>(server.app, 'GET', '/api/admin/settings', ws.admin.token);
    expect(settings.offlineGraceHours).toBe(DEFAULT_OFFLINE_GRACE_HOURS);
    const before = await policyOf(server.app, ws.rep.token);
    expect(before.offlineGraceHours).toBe(DEFAULT_OFFLINE_GRACE_HOURS);

    const other = await startInstance(target, clock);
    try {
      // The other instance has read the settings (and cached them) before the change.
      expect((await policyOf(other.app, ws.rep.token)).offlineGraceHours).toBe(DEFAULT_OFFLINE_GRACE_HOURS);
      const saved = await must<WorkspaceSecuritySettings>(server.app, 'PUT', '/api/admin/settings', ws.admin.token, {
        offlineGraceHours: 12,
      });
      expect(saved).toMatchObject({ offlineGraceHours: 12, grantMaxMinutes: settings.grantMaxMinutes });

      // Here at once: the desktop's ETag no longer matches (new rights, new version).
      const stale = await server.app.inject({
        method: 'GET',
        url: '/api/policy',
        headers: { ...bearer(ws.rep.token), 'if-none-match': before.etag },
      });
      expect(stale.statusCode).toBe(200);
      const after = decodeJwt(stale.body) as { version: number; offlineGraceHours: number };
      expect(after).toMatchObject({ offlineGraceHours: 12, version: before.version + 1 });

      // The other instance, once its settings cache ran out: the same version.
      clock.advance(SETTINGS_CACHE_MS + 1);
      expect(await policyOf(other.app, ws.rep.token)).toMatchObject({ offlineGraceHours: 12, version: after.version });
      // Everyone's policy, not only the rep's.
      expect((await policyOf(server.app, ws.manager.token)).offlineGraceHours).toBe(12);
    } finally {
      await other.close();
    }

    const audit = await server.context.db
      .selectFrom('audit_log')
      .select(['details', 'actor_user_id'])
      .where('action', '=', 'workspace.settings_changed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_user_id).toBe(ws.admin.id);
    expect(JSON.parse(audit[0]!.details)).toEqual({ offlineGraceHours: { from: 72, to: 12 } });
  });

  it('accepts 0 (lock at expiry) and refuses what is not a whole number of hours within 90 days', async () => {
    for (const bad of [-1, 1.5, MAX_OFFLINE_GRACE_HOURS + 1, '72']) {
      const refused = await send(server.app, 'PUT', '/api/admin/settings', ws.admin.token, { offlineGraceHours: bad });
      expect(refused.status).toBe(400);
      expect(refused.error?.code).toBe('VALIDATION');
    }
    const settings = await must<WorkspaceSecuritySettings>(server.app, 'GET', '/api/admin/settings', ws.admin.token);
    expect(settings.offlineGraceHours).toBe(DEFAULT_OFFLINE_GRACE_HOURS);
    await must(server.app, 'PUT', '/api/admin/settings', ws.admin.token, { offlineGraceHours: 0 });
    expect((await policyOf(server.app, ws.rep.token)).offlineGraceHours).toBe(0);
    await must(server.app, 'PUT', '/api/admin/settings', ws.admin.token, {
      offlineGraceHours: MAX_OFFLINE_GRACE_HOURS,
    });
    expect((await policyOf(server.app, ws.rep.token)).offlineGraceHours).toBe(MAX_OFFLINE_GRACE_HOURS);
  });

  it('is changed only by who may edit the settings', async () => {
    const refused = await send(server.app, 'PUT', '/api/admin/settings', ws.rep.token, { offlineGraceHours: 1 });
    expect(refused.status).toBe(403);
    const settings = await must<WorkspaceSecuritySettings>(server.app, 'GET', '/api/admin/settings', ws.admin.token);
    expect(settings.offlineGraceHours).toBe(DEFAULT_OFFLINE_GRACE_HOURS);
  });
});

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('migration 0010 on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  afterAll(() => factory.dispose());

  it('moves a grace set on the workspace row into the settings', async () => {
    const target = await factory.fresh();
    const opened = openDatabase(target);
    try {
      const now = () => 1_700_000_000_000;
      await migrate(
        opened.db,
        opened.kind,
        now,
        MIGRATIONS.filter((migration) => migration.version < 10),
      );
      await opened.db
        .insertInto('workspace')
        .values({
          singleton: 1,
          id: 'ws-1',
          public_key_jwk: '{}',
          private_key_sealed: 'sealed',
          policy_lifetime_hours: 24,
          offline_grace_hours: 168,
          created_at: now(),
        })
        .execute();
      await migrate(opened.db, opened.kind, now);
      const row = await opened.db
        .selectFrom('workspace_settings')
        .select('offline_grace_hours')
        .executeTakeFirstOrThrow();
      expect(Number(row.offline_grace_hours)).toBe(168);
    } finally {
      await opened.close();
    }
  });
});
