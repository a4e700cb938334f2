import type { Db } from '../sqlcipher.js';

/** A forward-only schema step. `version` is its number; they run in order, each in a transaction. */
export type Migration = {
  version: number;
  name: string;
  up(db: Db): void;
};
