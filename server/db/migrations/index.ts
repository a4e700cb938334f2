import * as identity from './0001_identity.js';
import * as roles from './0002_roles.js';
import * as audit from './0003_audit.js';
import * as secondFactor from './0004_second_factor.js';
import * as access from './0005_access.js';
import * as sso from './0006_sso.js';
import * as sealedSecrets from './0007_sealed_secrets.js';
import * as sealedSsoSecret from './0008_sealed_sso_secret.js';
import * as policyCopies from './0009_policy_copies.js';
import * as offlineGraceSetting from './0010_offline_grace_setting.js';
import * as authEpoch from './0011_auth_epoch.js';
import * as passwordChangeRequired from './0012_password_change_required.js';
import * as ssoSessions from './0013_sso_sessions.js';
import type { Migration } from './migration.js';

export type { Migration, MigrationContext, MigrationRun } from './migration.js';

/**
 * Forward-only and append-only: a released migration is never edited, a new one is added.
 * Work done in parallel may merge a lower number after a higher one was released (0005 and 0006
 * arrived after 0007 here): the migrator applies whichever are not recorded yet, in order, as long
 * as none of them depends on another's changes.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_identity', up: identity.up },
  { version: 2, name: '0002_roles', up: roles.up },
  { version: 3, name: '0003_audit', up: audit.up },
  { version: 4, name: '0004_second_factor', up: secondFactor.up },
  { version: 5, name: '0005_access', up: access.up },
  { version: 6, name: '0006_sso', up: sso.up },
  { version: 7, name: '0007_sealed_secrets', up: sealedSecrets.up, compactAfter: sealedSecrets.compactAfter },
  { version: 8, name: '0008_sealed_sso_secret', up: sealedSsoSecret.up, compactAfter: sealedSsoSecret.compactAfter },
  { version: 9, name: '0009_policy_copies', up: policyCopies.up },
  { version: 10, name: '0010_offline_grace_setting', up: offlineGraceSetting.up },
  { version: 11, name: '0011_auth_epoch', up: authEpoch.up },
  { version: 12, name: '0012_password_change_required', up: passwordChangeRequired.up },
  { version: 13, name: '0013_sso_sessions', up: ssoSessions.up },
];
