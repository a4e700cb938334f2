import type { Kysely } from 'kysely';
import * as identity from './0001_identity.js';

export type Migration = { version: number; name: string; up(db: Kysely<unknown>): Promise<void> };

/** Forward-only and append-only: a released migration is never edited, a new one is added. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: '0001_identity', up: identity.up }];
