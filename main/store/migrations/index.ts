import { m0001Init } from './0001_init.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [m0001Init];
