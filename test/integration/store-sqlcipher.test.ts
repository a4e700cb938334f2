import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import type { Migration } from '../../main/store/migrations/migration.js';
import { schemaVersion } from '../../main/store/migrator.js';
import { openEncryptedDatabase } from '../../main/store/sqlcipher.js';
import { Store, type StoreKeys } from '../../main/store/store.js';
import { makeTempDir, snapshotDir } from '../harness/temp-dir.js';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function newKeys(): StoreKeys {
  return { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
}

function tempDb(): { dir: string; path: string } {
  const dir = makeTempDir();
  dirs.push(dir);
  return { dir: dir.path, path: join(dir.path, 'clientele.db') };
}

describe('SQLCipher store', () => {
  it('writes a file whose header is random bytes, not "SQLite format 3"', () => {
    const { path } = tempDb();
    const store = Store.open(path, newKeys(), { create: true });
    store.settings.update({ theme: 'light' });
    store.close();
    const header = readFileSync(path).subarray(0, 16);
    expect(header.toString('latin1')).not.toBe('SQLite format 3\0');
    // A plain SQLite reader cannot open it.
    const plain = new Database(path);
    expect(() => plain.prepare('SELECT * FROM sqlite_master').all()).toThrow(/not a database/);
    plain.close();
  });

  it('fails a wrong key with STORE_KEY_MISMATCH and leaves every byte unchanged', () => {
    const { dir, path } = tempDb();
    const keys = newKeys();
    Store.open(path, keys, { create: true }).close();
    const before = snapshotDir(dir);
    expect(() => Store.open(path, newKeys(), { create: false })).toThrow(
      expect.objectContaining({ code: 'STORE_KEY_MISMATCH' }),
    );
    expect(snapshotDir(dir)).toEqual(before);
    const reopened = Store.open(path, keys, { create: false });
    expect(reopened.settings.read().theme).toBe('system');
    reopened.close();
  });

  it('seals secrets so no plaintext page of the database contains them', () => {
    const { dir, path } = tempDb();
    const keys = newKeys();
    const store = Store.open(path, keys, { create: true });
    const password = `imap-password-${randomBytes(8).toString('hex')}`;
    const visible = `visible-marker-${randomBytes(8).toString('hex')}`;
    store.secrets.put('imap:acct-1', password);
    store.settings.update({ theme: 'dark' });
    store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('marker', JSON.stringify(visible));
    expect(store.secrets.get('imap:acct-1')).toBe(password);

    store.close();

    // Decrypt every page into a plaintext copy, as an attacker holding the database key could.
    const plainPath = join(dir, 'plain.db');
    copyFileSync(path, plainPath);
    const copy = openEncryptedDatabase(plainPath, keys.databaseKey, { create: false });
    copy.pragma('journal_mode = DELETE');
    copy.pragma(`rekey = ''`);
    copy.close();
    const pages = readFileSync(plainPath);
    expect(pages.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect(pages.includes(Buffer.from(visible))).toBe(true); // the check can see plaintext...
    expect(pages.includes(Buffer.from(password))).toBe(false); // ...but not the sealed secret.
  });

  it('journals transactions encrypted, and rolls one cut short back on the next open', () => {
    const { dir, path } = tempDb();
    const keys = newKeys();
    const store = Store.open(path, keys, { create: true });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('truncate');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const before = `committed-${randomBytes(8).toString('hex')}`;
    store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('marker', JSON.stringify(before));
    // A transaction in progress, as a kill -9 would find it: the journal holds the old pages, and a
    // tiny page cache has already spilled changed pages into the database file.
    store.db.pragma('cache_size = 2');
    store.db.exec('BEGIN IMMEDIATE');
    store.db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(JSON.stringify('changed'), 'marker');
    const filler = store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < 500; i++) filler.run(`filler-${i}`, JSON.stringify('x'.repeat(1000)));
    const crashed = join(dir, 'crashed');
    mkdirSync(crashed);
    for (const suffix of ['', '-journal']) copyFileSync(`${path}${suffix}`, join(crashed, `clientele.db${suffix}`));
    store.db.exec('ROLLBACK');
    store.close();

    const journal = readFileSync(join(crashed, 'clientele.db-journal'));
    expect(journal.length).toBeGreaterThan(0);
    expect(journal.includes(Buffer.from(before))).toBe(false); // the old page, encrypted
    const reopened = Store.open(join(crashed, 'clientele.db'), keys, { create: false });
    const value = reopened.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get('marker');
    expect(JSON.parse(value as string)).toBe(before);
    expect(reopened.db.prepare("SELECT count(*) FROM settings WHERE key LIKE 'filler-%'").pluck().get()).toBe(0);
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });

  it('opens a store written in WAL mode (an earlier version, killed with its WAL) with every commit', () => {
    const { dir, path } = tempDb();
    const keys = newKeys();
    Store.open(path, keys, { create: true }).close();
    // As versions before the rollback journal wrote it, never checkpointed: the rows only in the WAL.
    const old = openEncryptedDatabase(path, keys.databaseKey, { create: false });
    old.pragma('journal_mode = WAL');
    old.pragma('wal_autocheckpoint = 0');
    const insert = old.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < 50; i++) insert.run(`row-${i}`, JSON.stringify(i));
    const killed = join(dir, 'killed');
    mkdirSync(killed);
    for (const suffix of ['', '-wal']) copyFileSync(`${path}${suffix}`, join(killed, `clientele.db${suffix}`));
    old.close();

    const store = Store.open(join(killed, 'clientele.db'), keys, { create: false });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('truncate');
    expect(store.db.prepare("SELECT count(*) FROM settings WHERE key LIKE 'row-%'").pluck().get()).toBe(50);
    store.close();
    expect(existsSync(join(killed, 'clientele.db-wal'))).toBe(false);
  });

  it('refuses a sealed secret moved to another name', () => {
    const { path } = tempDb();
    const store = Store.open(path, newKeys(), { create: true });
    store.secrets.put('a', 'secret-a');
    store.db
      .prepare(
        `INSERT INTO secrets (name, sealed, updated_at) SELECT 'b', sealed, updated_at FROM secrets WHERE name = 'a'`,
      )
      .run();
    expect(() => store.secrets.get('b')).toThrow();
    store.close();
  });
});

describe('migrations', () => {
  const failing: Migration = {
    version: MIGRATIONS.length + 1,
    name: 'broken',
    up(db) {
      db.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY)');
      db.exec(`UPDATE settings SET value = '"changed"'`);
      db.exec('THIS IS NOT SQL');
    },
  };

  it('rolls a failing migration back: schema and data as they were', () => {
    const { path } = tempDb();
    const keys = newKeys();
    const store = Store.open(path, keys, { create: true });
    store.settings.update({ theme: 'dark' });
    store.close();

    expect(() => Store.open(path, keys, { create: false, migrations: [...MIGRATIONS, failing] })).toThrow(
      new RegExp(`step ${failing.version} \\(broken\\)`),
    );

    const db = openEncryptedDatabase(path, keys.databaseKey, { create: false });
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'theme'`).get()).toEqual({ value: '"dark"' });
    db.close();
  });

  it('upgrades a database made by the previous version and keeps its data', () => {
    const { path } = tempDb();
    const keys = newKeys();
    const v1 = Store.open(path, keys, { create: true, migrations: MIGRATIONS.slice(0, 1) });
    v1.settings.update({ backfillMonths: 24 });
    v1.close();
    const next: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'add notes',
      up: (db) => db.exec('CREATE TABLE test_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT'),
    };
    const upgraded = Store.open(path, keys, { create: false, migrations: [...MIGRATIONS, next] });
    expect(schemaVersion(upgraded.db)).toBe(MIGRATIONS.length + 1);
    expect(upgraded.settings.read().backfillMonths).toBe(24);
    upgraded.close();
  });

  it('refuses a database written by a newer version', () => {
    const { path } = tempDb();
    const keys = newKeys();
    const store = Store.open(path, keys, { create: true });
    store.db.pragma('user_version = 99');
    store.close();
    expect(() => Store.open(path, keys, { create: false })).toThrow(/newer version of Clientele/);
  });
});
