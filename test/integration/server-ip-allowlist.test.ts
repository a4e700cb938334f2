import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
} from '../harness/team-server.js';
import type { ServerInstance } from '../harness/team-server.js';
import type { DatabaseTarget } from '../../server/db/database.js';

type Body = { ok: boolean; value: Record<string, unknown>; error?: { code: string; message: string } };

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('the IP allowlist on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let target: DatabaseTarget;
  let server: ServerInstance;
  let admin: string;
  const extra: ServerInstance[] = [];

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const { body } = await post(server.app, '/api/auth/bootstrap', {
      token: issued!.token,
      email: 'ada@example.com',
      password: 'a long passphrase nobody guesses',
    });
    admin = body.value.token;
  });
  afterEach(async () => {
    for (const instance of extra.splice(0)) await instance.close();
    await server.close();
  });
  afterAll(() => factory.dispose());

  async function from(remoteAddress: string, url: string, instance = server) {
    const response = await instance.app.inject({ method: 'GET', url, remoteAddress, headers: bearer(admin) });
    return response.statusCode;
  }

  async function setAllowlist(ipAllowlist: string[], remoteAddress = '127.0.0.1') {
    const response = await server.app.inject({
      method: 'PUT',
      url: '/api/admin/settings',
      payload: { ipAllowlist },
      remoteAddress,
      headers: bearer(admin),
    });
    return { status: response.statusCode, body: response.json<Body>() };
  }

  it('lets everyone through while the list is empty', async () => {
    expect(await from('203.0.113.9', '/api/admin/settings')).toBe(200);
  });

  it('refuses addresses outside every network, on the API and the admin pages, but not health or loopback', async () => {
    const saved = await setAllowlist(['10.0.0.0/8', '2001:db8::/32']);
    expect(saved.status).toBe(200);
    expect(saved.body.value.ipAllowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);

    expect(await from('192.168.1.5', '/api/admin/settings')).toBe(403);
    expect(await from('192.168.1.5', '/setup')).toBe(403);
    expect(await from('192.168.1.5', '/api/no-such-route')).toBe(403);
    expect(await from('2001:db9::1', '/api/admin/settings')).toBe(403);
    expect(await from('::ffff:192.168.1.5', '/api/admin/settings')).toBe(403);
    expect(await from('192.168.1.5', '/api/health')).toBe(200);
    expect(await from('192.168.1.5', '/api/health?probe=1')).toBe(200);

    expect(await from('10.1.2.3', '/api/admin/settings')).toBe(200);
    expect(await from('::ffff:10.1.2.3', '/api/admin/settings')).toBe(200);
    expect(await from('2001:db8:ffff::1', '/api/admin/settings')).toBe(200);
    expect(await from('127.0.0.1', '/api/admin/settings')).toBe(200);
    expect(await from('127.8.9.10', '/api/admin/settings')).toBe(200);
    expect(await from('::1', '/api/admin/settings')).toBe(200);
    expect(await from('::ffff:127.0.0.1', '/api/admin/settings')).toBe(200);

    const refused = await server.app.inject({
      method: 'GET',
      url: '/api/admin/settings',
      remoteAddress: '192.168.1.5',
    });
    expect(refused.json<Body>().error).toEqual({
      code: 'FORBIDDEN',
      message: 'Requests from this network are not allowed.',
    });
  });

  it('refuses a list that would shut out the admin saving it, and invalid networks', async () => {
    const self = await setAllowlist(['10.0.0.0/8'], '192.168.1.5');
    expect(self.status).toBe(409);
    expect(self.body.error?.message).toContain('192.168.1.5');
    expect((await setAllowlist(['10.0.0.0/8', '192.168.1.0/24'], '192.168.1.5')).status).toBe(200);

    for (const bad of ['10.0.0.1', '10.0.0.0/33', 'example.com/8', '2001:db8::/129', '']) {
      const invalid = await setAllowlist([bad]);
      expect(invalid.status, bad).toBe(400);
      expect(invalid.body.error?.code).toBe('VALIDATION');
    }
    // Emptying the list lifts it.
    expect((await setAllowlist([])).status).toBe(200);
    expect(await from('203.0.113.9', '/api/admin/settings')).toBe(200);
  });

  it('records the change in the audit log', async () => {
    await setAllowlist(['10.0.0.0/8']);
    const rows = await server.context.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', '=', 'workspace.settings_changed')
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.details)).toEqual({ ipAllowlist: { from: [], to: ['10.0.0.0/8'] } });
  });

  it('reaches another instance on the same database once its short cache runs out', async () => {
    const other = await startInstance(target, clock);
    extra.push(other);
    expect(await from('192.168.1.5', '/api/admin/settings', other)).toBe(200); // caches the empty list
    await setAllowlist(['10.0.0.0/8']);
    clock.advance(other.context.settings.cacheMs);
    expect(await from('192.168.1.5', '/api/admin/settings', other)).toBe(403);
  });
});
