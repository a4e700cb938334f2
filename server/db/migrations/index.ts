import type { Kysely } from 'kysely';
import * as identity from './0001_identity.js';
import * as roles from './0002_roles.js';
import * as audit from './0003_audit.js';
import * as secondFactor from './0004_second_factor.js';
import * as access from './0005_access.js';

export type Migration = { version: number; name: string; up(db: Kysely<unknown>): Promise<void> };

/** Forward-only and append-only: a released migration is never edited, a new one is added. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_identity', up: identity.up },
  { version: 2, name: '0002_roles', up: roles.up },
  { version: 3, name: '0003_audit', up: audit.up },
  { version: 4, name: '0004_second_factor', up: secondFactor.up },
  { version: 5, name: '0005_access', up: access.up },
];
