import type { Kysely } from 'kysely';
import { z } from 'zod';
import { EmailDomain } from '../../common/api/server-sso.js';
import { AppError } from '../../common/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import { placeOf, SSO_CLIENT_SECRET } from '../secrets/sealed-columns.js';
import type { ServerSecrets } from '../secrets/server-secrets.js';

/** The stored configuration, secret included: for the server's own use, never for an answer. */
export type SsoConfig = {
  enabled: boolean;
  issuer: string | null;
  clientId: string | null;
  clientSecret: string | null;
  allowedEmailDomains: string[];
  autoProvision: boolean;
  defaultRoleId: string | null;
};

/** A configuration that can sign people in: every field the flow needs is there. */
export type ActiveSsoConfig = SsoConfig & { issuer: string; clientId: string; clientSecret: string };

const Domains = z.array(EmailDomain);

/** What reading and writing the configuration needs: the database and the key that seals the secret. */
export type SsoConfigStore = { db: Kysely<ServerDatabase>; secrets: ServerSecrets };

/** The one row of sso_config, where the sealed client secret is bound. */
const SECRET_PLACE = placeOf(SSO_CLIENT_SECRET, '1');

/** Read on every sign-in step (no cache): turning SSO off takes effect at once on every instance. */
export async function readSsoConfig({ db, secrets }: SsoConfigStore): Promise<SsoConfig> {
  const row = await db.selectFrom('sso_config').selectAll().where('singleton', '=', 1).executeTakeFirstOrThrow();
  return {
    enabled: row.enabled === 1,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret: row.client_secret_sealed === null ? null : openSecret(secrets, row.client_secret_sealed),
    // Parsed again on the way out: a row edited by hand into something invalid fails loudly, not open.
    allowedEmailDomains: Domains.parse(JSON.parse(row.allowed_email_domains) as unknown),
    autoProvision: row.auto_provision === 1,
    defaultRoleId: row.default_role_id,
  };
}

export function isActive(config: SsoConfig): config is ActiveSsoConfig {
  return (
    config.enabled &&
    config.issuer !== null &&
    config.clientId !== null &&
    config.clientSecret !== null &&
    config.allowedEmailDomains.length > 0
  );
}

function openSecret(secrets: ServerSecrets, sealed: string): string {
  const opened = secrets.open(sealed, SECRET_PLACE);
  if (opened.ok) return opened.value;
  throw new AppError('INTERNAL', "The single sign-on client secret can't be read on the server.", {
    details: opened.error,
  });
}

export async function saveSsoConfig({ db, secrets }: SsoConfigStore, config: SsoConfig, now: number): Promise<void> {
  await db
    .updateTable('sso_config')
    .set({
      enabled: config.enabled ? 1 : 0,
      issuer: config.issuer,
      client_id: config.clientId,
      client_secret_sealed: config.clientSecret === null ? null : secrets.seal(config.clientSecret, SECRET_PLACE),
      allowed_email_domains: JSON.stringify(config.allowedEmailDomains),
      auto_provision: config.autoProvision ? 1 : 0,
      default_role_id: config.defaultRoleId,
      updated_at: now,
    })
    .where('singleton', '=', 1)
    .execute();
}
