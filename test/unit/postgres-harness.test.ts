import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresBinDir } from '../harness/postgres.js';
import { makeTempDir } from '../harness/temp-dir.js';

describe('the PostgreSQL test harness', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  it('fails loudly, naming the package to install, when no PostgreSQL is found', () => {
    expect(() => postgresBinDir([join(temp.path, 'missing'), temp.path])).toThrow(/apt-get install postgresql/);
  });

  it('picks the newest major version that has initdb and pg_ctl', () => {
    for (const major of ['13', '15', '16']) mkdirSync(join(temp.path, major, 'bin'), { recursive: true });
    // Only the tools' presence is checked; 16 lacks them, as a half-removed install would.
    for (const major of ['13', '15']) {
      for (const tool of ['initdb', 'pg_ctl']) writeFileSync(join(temp.path, major, 'bin', tool), '');
    }
    expect(postgresBinDir([temp.path])).toBe(join(temp.path, '15', 'bin'));
  });
});
