import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView } from '../../common/api/server-admin.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { signPolicy, storeSignedCopy, compileRights, rightsHash } from '../../server/rbac/compile-policy.js';
import { workspaceOf } from '../../server/rbac/workspace.js';
import { fetchPolicy, makeWorkspace, must, type Workspace } from '../harness/server-workspace.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// The signed copy kept per user (migration 0009), on SQLite and PostgreSQL: a fetch without an ETag
// gets the copy already signed while its rights are unchanged and it is younger than half its
// lifetime, from any instance; a new signature (and one `policy.issued`) only past that, or when the
// rights change. Re-sending a copy is not an issuance and is not audited.

const HOUR = 3_600_000;

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('stored policy copies on %s', (backend) => {
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

  const issuedCount = async () =>
    (await server.context.db.selectFrom('audit_log').select('seq').where('action', '=', 'policy.issued').execute())
      .length;

  const raw = (app: ServerInstance['app'], token: string, etag?: string) =>
    app.inject({
      method: 'GET',
      url: '/api/policy',
      headers: { ...bearer(token), ...(etag ? { 'if-none-match': etag } : {}) },
    });

  it('serves the signed copy to fetches without an ETag, on every instance, and audits only signatures', async () => {
    const first = await raw(server.app, ws.rep.token);
    expect(first.statusCode).toBe(200);
    expect(await issuedCount()).toBe(1);

    // Many misses, here and on a second instance of the same database: the very same bytes and ETag.
    const other = await startInstance(target, clock);
    try {
      for (let i = 0; i < 5; i++) {
        clock.advance(HOUR);
        for (const app of [server.app, other.app]) {
          const again = await raw(app, ws.rep.token);
          expect(again.statusCode).toBe(200);
          expect(again.body).toBe(first.body);
          expect(again.headers.etag).toBe(first.headers.etag);
          expect(again.headers['content-type']).toBe('application/jose');
        }
      }
      expect(await issuedCount()).toBe(1);

      // 11 h 59 min after signing it is still younger than half its 24 h; at 12 h it is not.
      clock.advance(7 * HOUR - 60_000);
      expect((await raw(other.app, ws.rep.token)).body).toBe(first.body);
      clock.advance(60_000);
      const renewed = await fetchPolicy(other.app, ws.rep.token);
      expect(renewed.document).toMatchObject({ version: 1, issuedAt: new Date(clock.now()).toISOString() });
      expect(await issuedCount()).toBe(2);
      // The new signature is the copy now, for both instances.
      const next = await raw(server.app, ws.rep.token);
      expect(next.headers.etag).toBe(renewed.etag);
      expect(await issuedCount()).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('gives the copy to a fetch whose ETag does not match (its JWS read only then)', async () => {
    const first = await raw(server.app, ws.rep.token);
    clock.advance(HOUR);
    for (const etag of ['"bogus"', '"v1.00000000000000000000000000000000.1"', String(first.headers.etag).slice(1)]) {
      const again = await raw(server.app, ws.rep.token, etag);
      expect(again.statusCode).toBe(200);
      expect(again.body).toBe(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
    }
    expect((await raw(server.app, ws.rep.token, String(first.headers.etag))).statusCode).toBe(304);
    expect(await issuedCount()).toBe(1);
  });

  it('signs anew when the rights change, and never hands out a copy of the old rights', async () => {
    const before = await fetchPolicy(server.app, ws.rep.token);
    expect(before.document!.permissions.contact).not.toHaveProperty('export');
    const exporter = await must<RoleView>(server.app, 'POST', '/api/admin/roles', ws.admin.token, {
      name: 'Exporter',
      permissions: { contact: { view: 'own', export: 'own' } },
    });
    await must(server.app, 'PUT', `/api/admin/users/${ws.rep.id}/roles/${exporter.id}`, ws.admin.token);
    const after = await fetchPolicy(server.app, ws.rep.token);
    expect(after.document).toMatchObject({ version: before.document!.version + 1 });
    expect(after.document!.permissions.contact?.export).toBe('own');
    expect(await issuedCount()).toBe(2);
    // ...and that copy is served until the next change, which takes it back out.
    expect((await fetchPolicy(server.app, ws.rep.token)).etag).toBe(after.etag);
    await must(server.app, 'DELETE', `/api/admin/users/${ws.rep.id}/roles/${exporter.id}`, ws.admin.token);
    const narrowed = await fetchPolicy(server.app, ws.rep.token);
    expect(narrowed.document).toMatchObject({ version: before.document!.version + 2 });
    expect(narrowed.document!.permissions.contact).not.toHaveProperty('export');
    expect(await issuedCount()).toBe(3);
  });

  it('keeps the newest signature: an older one never replaces the stored copy', async () => {
    const first = await fetchPolicy(server.app, ws.rep.token);
    const workspace = await workspaceOf(server.context);
    const { offlineGraceHours } = await server.context.settings.get();
    const rights = await compileRights(server.context.db, ws.rep.id, offlineGraceHours, clock.now());
    const hash = rightsHash(rights);
    // A signature made (say, by a slower instance) before the stored one: not kept.
    const older = await signPolicy(workspace, ws.rep.id, rights, hash, 1, clock.now() - 60_000);
    expect(await storeSignedCopy(server.context.db, ws.rep.id, older)).toBe(false);
    // One for a version that is no longer current: not kept either.
    const stale = await signPolicy(workspace, ws.rep.id, rights, hash, 0, clock.now() + 1);
    expect(await storeSignedCopy(server.context.db, ws.rep.id, stale)).toBe(false);
    expect((await fetchPolicy(server.app, ws.rep.token)).etag).toBe(first.etag);
    // A newer one for the current version and rights is.
    const newer = await signPolicy(workspace, ws.rep.id, rights, hash, 1, clock.now() + 1);
    expect(await storeSignedCopy(server.context.db, ws.rep.id, newer)).toBe(true);
    clock.advance(2);
    const served = await raw(server.app, ws.rep.token);
    expect(served.body).toBe(newer.jws);
  });
});
