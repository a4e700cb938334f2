import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { Kysely } from 'kysely';
import { hashPassword } from '../../server/auth/passwords.js';
import { newId } from '../../server/auth/tokens.js';
import { newTotpSecret } from '../../server/auth/totp.js';
import { openDatabase, type DatabaseTarget } from '../../server/db/database.js';
import { MIGRATIONS } from '../../server/db/migrations/index.js';
import { migrate } from '../../server/db/migrator.js';

/** What the database made by the previous version holds in clear, for the upgrade test to look for. */
export type PreviousVersionData = {
  admin: { id: string; email: string; password: string; totpSecret: string };
  publicKeyJwk: { kty: string; crv: string; x: string };
  privateKeyPem: string;
};

/** The tables as the previous version (migrations 0001 to 0004) wrote them: secrets in clear. */
type PreviousSchema = Record<string, Record<string, string | number | null>>;

/**
 * A database exactly as the version before the sealing migration left it: migrations 0001-0004 only,
 * the workspace row with its private key as plaintext PKCS8, and an admin (holding the seeded
 * "Admin" role) with TOTP turned on, its secret in clear in user_totp.secret.
 */
export async function makePreviousVersionDatabase(target: DatabaseTarget, now: number): Promise<PreviousVersionData> {
  const database = openDatabase(target);
  try {
    await migrate(
      database.db,
      database.kind,
      () => now,
      MIGRATIONS.filter((migration) => migration.version <= 4),
    );
    const db = database.db as unknown as Kysely<PreviousSchema>;
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    const privateKeyPem = await exportPKCS8(privateKey);
    await db
      .insertInto('workspace')
      .values({
        singleton: 1,
        id: newId(),
        public_key_jwk: JSON.stringify(jwk),
        private_key_pkcs8: privateKeyPem,
        policy_lifetime_hours: 24,
        offline_grace_hours: 72,
        created_at: now,
      })
      .execute();
    const admin = {
      id: newId(),
      email: 'old.admin@example.com',
      password: 'a passphrase from the old days',
      totpSecret: newTotpSecret(),
    };
    await db
      .insertInto('users')
      .values({
        id: admin.id,
        email: admin.email,
        email_normalized: admin.email,
        password_hash: await hashPassword(admin.password),
        is_admin: 1,
        created_at: now,
        disabled_at: null,
      })
      .execute();
    const role = await db.selectFrom('roles').select('id').where('name', '=', 'Admin').executeTakeFirstOrThrow();
    await db.insertInto('user_roles').values({ user_id: admin.id, role_id: role.id, assigned_at: now }).execute();
    await db
      .insertInto('user_totp')
      .values({ user_id: admin.id, secret: admin.totpSecret, created_at: now, enabled_at: now, last_time_step: null })
      .execute();
    return {
      admin,
      publicKeyJwk: { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x) },
      privateKeyPem,
    };
  } finally {
    await database.close();
  }
}
