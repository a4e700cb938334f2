import { compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../../common/api/server-admin.js';
import { PolicyDocument } from '../../common/rbac/policy.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { beginTotpSetup, confirmTotpSetup } from '../../server/auth/second-factor.js';
import { newId } from '../../server/auth/tokens.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { openDatabase } from '../../server/db/database.js';
import { MIGRATIONS, type Migration } from '../../server/db/migrations/index.js';
import { appliedVersions, migrate } from '../../server/db/migrator.js';
import { keyIdsInUse, takeInventory } from '../../server/secrets/inventory.js';
import { runSecretsCommand } from '../../server/secrets/secrets-cli.js';
import { placeOf, SSO_ID_TOKEN, USER_TOTP_SECRET, WORKSPACE_PRIVATE_KEY } from '../../server/secrets/sealed-columns.js';
import { newServerKeyText, parseServerKey } from '../../server/secrets/server-key.js';
import { readSsoConfig, saveSsoConfig } from '../../server/sso/sso-config.js';
import { rememberSsoSession } from '../../server/sso/sso-sign-out.js';
import { startServer } from '../../server/start.js';
import { databaseBytes } from '../harness/database-dump.js';
import { makePreviousVersionDatabase } from '../harness/previous-server-version.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  TEST_SECRET_KEY,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

const ADMIN = { email: 'ada.admin@example.com', password: 'a long passphrase nobody guesses' };
const keyId = (text: string): string => parseServerKey(text, 'test').id;

/** The sealed secrets' tables: the ones whose files must not keep plaintext. */
const SECRET_TABLES = ['workspace', 'user_totp'];

// The server secret key facility, on SQLite and on a private PostgreSQL cluster.
describe.each<DatabaseBackend>(['sqlite', 'postgres'])('server secrets on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  const clock = new ManualClock();
  const open: ServerInstance[] = [];
  afterEach(async () => {
    for (const instance of open.splice(0)) await instance.close();
  });
  afterAll(() => factory.dispose());

  async function instance(target: DatabaseTarget, secretKey = TEST_SECRET_KEY): Promise<ServerInstance> {
    const started = await startInstance(target, clock, { secretKey });
    open.push(started);
    return started;
  }

  async function close(server: ServerInstance): Promise<void> {
    open.splice(open.indexOf(server), 1);
    await server.close();
  }

  /** A password sign-in and, for a user with 2FA, its second step with a TOTP code. */
  async function signIn(server: ServerInstance, email: string, password: string, code: string) {
    const first = await post(server.app, '/api/auth/login', { email, password });
    const step = first.body.value as unknown as { secondFactor: string; challenge: string };
    expect(step.secondFactor).toBe('required');
    return post(server.app, '/api/auth/second-factor', { challenge: step.challenge, code });
  }

  async function policyVerifiesWith(server: ServerInstance, token: string, jwk: JWK): Promise<PolicyDocument> {
    const response = await server.app.inject({ method: 'GET', url: '/api/policy', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    const { payload } = await compactVerify(response.body, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
    return PolicyDocument.parse(JSON.parse(new TextDecoder().decode(payload)));
  }

  async function workspaceInfo(server: ServerInstance): Promise<WorkspaceInfo> {
    return (await server.app.inject({ method: 'GET', url: '/api/workspace' })).json<Body<WorkspaceInfo>>().value;
  }

  async function addUser(server: ServerInstance, email: string, password: string): Promise<string> {
    const id = newId();
    await server.context.db
      .insertInto('users')
      .values({
        id,
        email,
        email_normalized: email,
        password_hash: await hashPassword(password),
        is_admin: 0,
        created_at: clock.now(),
        disabled_at: null,
      })
      .execute();
    return id;
  }

  /** Turns TOTP on for a user the way the routes do; returns the secret (what the user's app holds). */
  async function enableTotp(server: ServerInstance, userId: string): Promise<string> {
    const secret = await beginTotpSetup(server.context, userId, clock.now());
    expect(
      await confirmTotpSetup(server.context, userId, await totpCodeAt(secret, clock.now()), clock.now()),
    ).toHaveLength(10);
    return secret;
  }

  async function sealedTotp(server: ServerInstance, userId: string): Promise<string> {
    const row = await server.context.db
      .selectFrom('user_totp')
      .select('secret_sealed')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.secret_sealed;
  }

  async function bootstrap(server: ServerInstance): Promise<string> {
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    return (await post(server.app, '/api/auth/bootstrap', { token: issued!.token, ...ADMIN })).body.value.token;
  }

  it('upgrades a database made by the previous version: the same signing key and 2FA, nothing left in clear', async () => {
    const target = await factory.fresh();
    const previous = await makePreviousVersionDatabase(target, clock.now());
    const pemBody = previous.privateKeyPem.split('\n')[1]!;
    // The search below finds plaintext where there is some: the old database holds both in clear.
    const before = await databaseBytes(target, factory.postgres, SECRET_TABLES);
    expect(before).toContain(pemBody);
    expect(before).toContain(previous.admin.totpSecret);

    const server = await instance(target);
    expect(await appliedVersions(server.context.db)).toContain(7);
    const stored = await server.context.db
      .selectFrom('workspace')
      .select('private_key_sealed')
      .executeTakeFirstOrThrow();
    expect(stored.private_key_sealed).toMatch(new RegExp(`^v1\\.${keyId(TEST_SECRET_KEY)}\\.[\\w-]{16}\\.[\\w-]+$`));
    expect(await sealedTotp(server, previous.admin.id)).toMatch(/^v1\./);

    // Desktops pinned the old public key: it is still the workspace's, and still verifies policies.
    expect((await workspaceInfo(server)).publicKeyJwk).toEqual(previous.publicKeyJwk);
    clock.advance(60_000);
    const { admin } = previous;
    const session = await signIn(server, admin.email, admin.password, await totpCodeAt(admin.totpSecret, clock.now()));
    expect(session.response.statusCode).toBe(200);
    const policy = await policyVerifiesWith(server, session.body.value.token, previous.publicKeyJwk);
    expect(policy).toMatchObject({ userId: admin.id, permissions: { contact: { export: 'all' } } });

    // Nothing in clear while it runs (SQLite: WAL included) nor once it stopped.
    const expectNoPlaintext = (bytes: string): void => {
      expect(bytes).not.toContain(pemBody);
      expect(bytes).not.toContain('PRIVATE KEY');
      expect(bytes).not.toContain(admin.totpSecret);
    };
    expectNoPlaintext(await databaseBytes(target, factory.postgres, SECRET_TABLES));
    await close(server);
    expectNoPlaintext(await databaseBytes(target, factory.postgres, SECRET_TABLES));
  });

  it('a sealed value copied to another row, column or table does not open', async () => {
    const server = await instance(await factory.fresh());
    await bootstrap(server);
    const alice = { id: await addUser(server, 'alice@example.com', 'alice passphrase long'), secret: '' };
    const bob = { id: await addUser(server, 'bob@example.com', 'bob passphrase that is long'), secret: '' };
    alice.secret = await enableTotp(server, alice.id);
    bob.secret = await enableTotp(server, bob.id);
    const aliceSealed = await sealedTotp(server, alice.id);
    const bobSealed = await sealedTotp(server, bob.id);
    const { secrets } = server.context;
    expect(secrets.open(aliceSealed, placeOf(USER_TOTP_SECRET, alice.id))).toEqual({ ok: true, value: alice.secret });

    // Bob's row now holds Alice's sealed secret: whoever can write the table can't give Bob her device.
    await server.context.db
      .updateTable('user_totp')
      .set({ secret_sealed: aliceSealed })
      .where('user_id', '=', bob.id)
      .execute();
    expect(secrets.open(aliceSealed, placeOf(USER_TOTP_SECRET, bob.id))).toMatchObject({
      ok: false,
      error: { code: 'SEALED_VALUE_INVALID' },
    });
    clock.advance(60_000);
    const withAlicesCode = await signIn(
      server,
      'bob@example.com',
      'bob passphrase that is long',
      await totpCodeAt(alice.secret, clock.now()),
    );
    expect(withAlicesCode.response.statusCode).toBe(500);
    expect(withAlicesCode.body).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(withAlicesCode.body.value).toBeUndefined();

    // Another column or table, the workspace key in a TOTP row, a flipped character: none opens.
    await workspaceInfo(server); // the workspace (and its sealed key) is made on first use
    const workspace = await server.context.db
      .selectFrom('workspace')
      .select(['id', 'private_key_sealed'])
      .executeTakeFirstOrThrow();
    const refused = [
      secrets.open(aliceSealed, { ...placeOf(USER_TOTP_SECRET, alice.id), column: 'secret' }),
      secrets.open(aliceSealed, { ...placeOf(USER_TOTP_SECRET, alice.id), table: 'oidc_providers' }),
      secrets.open(workspace.private_key_sealed, placeOf(USER_TOTP_SECRET, alice.id)),
      secrets.open(workspace.private_key_sealed, placeOf(WORKSPACE_PRIVATE_KEY, newId())),
      secrets.open(
        `${aliceSealed.slice(0, -2)}${aliceSealed.endsWith('A') ? 'B' : 'A'}${aliceSealed.slice(-1)}`,
        placeOf(USER_TOTP_SECRET, alice.id),
      ),
      secrets.open(
        aliceSealed.replace(/^v1\.[0-9a-f]{16}/, `v1.${keyId(newServerKeyText())}`),
        placeOf(USER_TOTP_SECRET, alice.id),
      ),
      secrets.open('JBSWY3DPEHPK3PXP', placeOf(USER_TOTP_SECRET, alice.id)),
    ];
    expect(refused.map((result) => (result.ok ? 'opened' : result.error.code))).toEqual([
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SERVER_KEY_MISMATCH',
      'SEALED_VALUE_INVALID',
    ]);

    // Put back where it belongs, Bob's own value works again.
    await server.context.db
      .updateTable('user_totp')
      .set({ secret_sealed: bobSealed })
      .where('user_id', '=', bob.id)
      .execute();
    clock.advance(60_000);
    const own = await signIn(
      server,
      'bob@example.com',
      'bob passphrase that is long',
      await totpCodeAt(bob.secret, clock.now()),
    );
    expect(own.response.statusCode).toBe(200);
  });

  it('refuses to start with another key, naming the key the database expects, and never makes a new workspace key', async () => {
    const target = await factory.fresh();
    const first = await instance(target);
    await bootstrap(first);
    const fingerprint = (await workspaceInfo(first)).fingerprint;
    await close(first);
    const snapshot = await readWorkspaceRow(target);

    const otherKey = newServerKeyText();
    const start = (secretKey: string) =>
      startServer({
        database: target,
        host: '127.0.0.1',
        port: 0,
        clock,
        secretKey: { kind: 'text', text: secretKey, origin: 'CLIENTELE_SERVER_SECRET_KEY' },
      });
    const wrong = start(otherKey);
    await expect(wrong).rejects.toMatchObject({ code: 'SERVER_KEY_MISMATCH' });
    await expect(wrong).rejects.toThrow(
      `The database's secrets are sealed with server key ${keyId(TEST_SECRET_KEY)} (1 value), but ` +
        `CLIENTELE_SERVER_SECRET_KEY holds key ${keyId(otherKey)}. Start the server with key ${keyId(TEST_SECRET_KEY)}`,
    );
    expect(await readWorkspaceRow(target)).toEqual(snapshot);

    // An altered sealed key (the right key id, a changed byte): the start stops, nothing is regenerated.
    await updateWorkspaceKey(
      target,
      snapshot.private_key_sealed.replace(
        /\.([\w-])([\w-]*)$/,
        (_all, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`,
      ),
    );
    const altered = start(TEST_SECRET_KEY);
    await expect(altered).rejects.toMatchObject({ code: 'SEALED_VALUE_INVALID' });
    await expect(altered).rejects.toThrow(/The workspace signing key can't be read: .* does not open with server key/);
    expect((await readWorkspaceRow(target)).public_key_jwk).toEqual(snapshot.public_key_jwk);

    await updateWorkspaceKey(target, snapshot.private_key_sealed);
    const right = await start(TEST_SECRET_KEY);
    try {
      expect(right.workspaceFingerprint).toBe(fingerprint);
      expect(right.secretKeyId).toBe(keyId(TEST_SECRET_KEY));
    } finally {
      await right.close();
    }
  });

  it('rotates every value to a new key in one audited transaction: policies still verify, codes still work', async () => {
    const { target, dataDir } = await factory.freshInDataDir();
    const oldKey = TEST_SECRET_KEY;
    const newKey = newServerKeyText();
    const first = await instance(target, oldKey);
    await bootstrap(first);
    const adminId = (await first.context.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    const totpSecret = await enableTotp(first, adminId);
    const { publicKeyJwk } = await workspaceInfo(first);
    const ssoSecret = 'the-idp-client-secret';
    const ssoConfig = await readSsoConfig(first.context);
    await saveSsoConfig(first.context, { ...ssoConfig, clientSecret: ssoSecret }, clock.now());
    // A web session opened by single sign-on keeps its ID token for the sign-out at the IdP.
    const idToken = 'header.the-id-token-of-an-sso-session.signature';
    const { session: ssoSession } = await first.context.sessions.create(adminId, clock.now(), 'sso');
    await rememberSsoSession(
      first.context,
      { sessionId: ssoSession.id, issuer: 'https://idp.example.com', idToken, sid: null },
      clock.now(),
    );
    await close(first);

    const env = {
      DATABASE_URL: target.kind === 'postgres' ? target.url : '',
      CLIENTELE_SERVER_SECRET_KEY: newKey,
      CLIENTELE_SERVER_SECRET_KEY_PREVIOUS: oldKey,
    };
    const args = target.kind === 'sqlite' ? ['--data-dir', dataDir] : [];
    const rotated = await runSecretsCommand(['rotate', ...args], env);
    expect(rotated.exitCode).toBe(0);
    expect(rotated.stdout).toMatch(
      new RegExp(
        `^Re-sealed 4 values \\(workspace.private_key_sealed 1, user_totp.secret_sealed 1, sso_config.client_secret_sealed 1, ` +
          `sso_sessions.id_token_sealed 1\\) from key ${keyId(oldKey)} ` +
          `to key ${keyId(newKey)} in one transaction; audit entry #\\d+ \\(secrets.rotated\\)\\.\\n` +
          `Start every server instance with the new key \\(id ${keyId(newKey)}\\) and stop giving CLIENTELE_SERVER_SECRET_KEY_PREVIOUS`,
      ),
    );

    // The old key no longer opens the database; the new one does, with the same workspace key and 2FA.
    await expect(startInstance(target, clock, { secretKey: oldKey })).rejects.toMatchObject({
      code: 'SERVER_KEY_MISMATCH',
    });
    const server = await instance(target, newKey);
    expect((await workspaceInfo(server)).publicKeyJwk).toEqual(publicKeyJwk);
    clock.advance(60_000);
    const session = await signIn(server, ADMIN.email, ADMIN.password, await totpCodeAt(totpSecret, clock.now()));
    expect(session.response.statusCode).toBe(200);
    expect(await policyVerifiesWith(server, session.body.value.token, publicKeyJwk)).toMatchObject({ userId: adminId });
    expect((await readSsoConfig(server.context)).clientSecret).toBe(ssoSecret);
    const kept = await server.context.db.selectFrom('sso_sessions').selectAll().executeTakeFirstOrThrow();
    expect(server.context.secrets.open(kept.id_token_sealed, placeOf(SSO_ID_TOKEN, ssoSession.id))).toEqual({
      ok: true,
      value: idToken,
    });
    expect([...keyIdsInUse(await takeInventory(server.context.db))]).toEqual([[keyId(newKey), 4]]);

    const entry = await server.context.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'secrets.rotated')
      .executeTakeFirstOrThrow();
    expect(entry.target).toBe(`server-key:${keyId(newKey)}`);
    expect(JSON.parse(entry.details)).toEqual({
      fromKeyIds: [keyId(oldKey)],
      toKeyId: keyId(newKey),
      resealed: {
        'sso_config.client_secret_sealed': 1,
        'sso_sessions.id_token_sealed': 1,
        'user_totp.secret_sealed': 1,
        'workspace.private_key_sealed': 1,
      },
      total: 4,
    });
    expect(entry.details).not.toContain(newKey);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });

    // Run again: nothing left to do, nothing audited twice.
    const again = await runSecretsCommand(['rotate', ...args], env);
    expect(again).toMatchObject({ exitCode: 0 });
    expect(again.stdout).toMatch(`Nothing to re-seal: every value is already sealed with key ${keyId(newKey)}.`);
    const status = await runSecretsCommand(['status', ...args], { ...env, CLIENTELE_SERVER_SECRET_KEY_PREVIOUS: '' });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toBe(
      `Database: 4 values sealed with key ${keyId(newKey)}: workspace.private_key_sealed 1, user_totp.secret_sealed 1, ` +
        `sso_config.client_secret_sealed 1, sso_sessions.id_token_sealed 1.\n` +
        `Key given: ${keyId(newKey)} (CLIENTELE_SERVER_SECRET_KEY): it opens 4 of 4 values.\nStatus: OK`,
    );
    const wrongStatus = await runSecretsCommand(['status', '--json', ...args], {
      ...env,
      CLIENTELE_SERVER_SECRET_KEY: oldKey,
    });
    expect(wrongStatus.exitCode).toBe(1);
    expect(JSON.parse(wrongStatus.stdout)).toMatchObject({ keyId: keyId(oldKey), opened: 0, failed: 4, ok: false });
  });

  it('a rotation that meets a value it cannot open changes nothing', async () => {
    const { target, dataDir } = await factory.freshInDataDir();
    const server = await instance(target);
    await bootstrap(server);
    const adminId = (await server.context.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    await enableTotp(server, adminId);
    // Another user's sealed secret moved into the admin's row: it does not open there.
    const otherId = await addUser(server, 'carol@example.com', 'carol passphrase is long');
    await enableTotp(server, otherId);
    await server.context.db
      .updateTable('user_totp')
      .set({ secret_sealed: await sealedTotp(server, otherId) })
      .where('user_id', '=', adminId)
      .execute();
    const before = await databaseRows(server);

    const result = runSecretsCommand(['rotate', ...(target.kind === 'sqlite' ? ['--data-dir', dataDir] : [])], {
      DATABASE_URL: target.kind === 'postgres' ? target.url : '',
      CLIENTELE_SERVER_SECRET_KEY: newServerKeyText(),
      CLIENTELE_SERVER_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY,
    });
    await expect(result).rejects.toMatchObject({ code: 'SEALED_VALUE_INVALID' });
    await expect(result).rejects.toThrow(`user_totp.secret_sealed of ${adminId} does not open`);
    expect(await databaseRows(server)).toEqual(before);
  });

  it('applies a lower-numbered migration merged after higher ones, and an upgraded database keeps working', async () => {
    const target = await factory.fresh();
    const server = await instance(target);
    const madeBy: string[] = [];
    // Work merged in parallel: the database already has every released migration when these arrive.
    const top = Math.max(...MIGRATIONS.map((m) => m.version));
    const late = (version: number): Migration => ({
      version,
      name: `late_${version}`,
      up: async (db) => {
        madeBy.push(`late_${version}`);
        await db.schema.createTable(`late_${version}`).addColumn('id', 'text').execute();
      },
    });
    const released = MIGRATIONS.map((m) => m.version);
    expect(await appliedVersions(server.context.db)).toEqual(released);
    // Beyond the top first, then one below it: both are applied in order, nothing re-run.
    expect(
      await migrate(server.context.db, server.context.kind, clock.now, [...MIGRATIONS, late(top + 2)], {
        secrets: server.context.secrets,
      }),
    ).toEqual([top + 2]);
    expect(
      await migrate(server.context.db, server.context.kind, clock.now, [...MIGRATIONS, late(top + 2), late(top + 1)], {
        secrets: server.context.secrets,
      }),
    ).toEqual([top + 1]);
    expect(madeBy).toEqual([`late_${top + 2}`, `late_${top + 1}`]);
    expect(await appliedVersions(server.context.db)).toEqual([...released, top + 1, top + 2]);
    await close(server);
    const again = await instance(target);
    expect((await workspaceInfo(again)).fingerprint).toMatch(/^[\w-]{43}$/);
  });

  async function readWorkspaceRow(target: DatabaseTarget) {
    const database = openDatabase(target);
    try {
      return await database.db.selectFrom('workspace').selectAll().executeTakeFirstOrThrow();
    } finally {
      await database.close();
    }
  }

  async function updateWorkspaceKey(target: DatabaseTarget, sealed: string): Promise<void> {
    const database = openDatabase(target);
    try {
      await database.db.updateTable('workspace').set({ private_key_sealed: sealed }).execute();
    } finally {
      await database.close();
    }
  }

  async function databaseRows(server: ServerInstance) {
    return {
      workspace: await server.context.db.selectFrom('workspace').selectAll().execute(),
      totp: await server.context.db.selectFrom('user_totp').selectAll().orderBy('user_id').execute(),
      audit: await server.context.db.selectFrom('audit_log').select('seq').execute(),
    };
  }
});
