import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataDirKey, pendingKeyFile, previousKeyFile } from '../../server/secrets/data-dir-key.js';
import { createKeyFile, readKeyFile, writeKeyFile } from '../../server/secrets/key-file.js';
import { keySourceFor, POSTGRES_NEEDS_A_KEY } from '../../server/secrets/key-source.js';
import { isSealed } from '../../server/secrets/sealed-value.js';
import { newServerKeyText, parseServerKey, serverKeyFromBytes } from '../../server/secrets/server-key.js';
import { ServerSecrets } from '../../server/secrets/server-secrets.js';
import { makeTempDir } from '../harness/temp-dir.js';

const PLACE = { table: 'user_totp', column: 'secret_sealed', rowId: 'user-1' };

/** The text with one base64url character replaced by another. */
const flip = (text: string, at: number): string =>
  `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;

describe('the server secret key', () => {
  it('is 32 bytes of canonical base64; anything else is refused with how to make one', () => {
    const text = newServerKeyText();
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(parseServerKey(`  ${text}\n`, 'X').id).toBe(parseServerKey(text, 'X').id);
    const refused = [
      text.slice(0, 43), // truncated
      `${text.slice(0, 20)}!${text.slice(21)}`, // a junk character Buffer.from would skip
      text.replace(/\+/g, '-').replace(/\//g, '_').replace('=', ''), // base64url
      randomBytes(33).toString('base64'),
      randomBytes(16).toString('base64'),
      '',
    ].filter((candidate) => candidate !== text);
    for (const candidate of refused) {
      expect(() => parseServerKey(candidate, 'CLIENTELE_SERVER_SECRET_KEY')).toThrow(
        /^CLIENTELE_SERVER_SECRET_KEY does not hold a server key: it must be 32 random bytes in base64 .*secrets generate-key/,
      );
    }
  });

  it('has an id derived one-way (HKDF), the same for the same key and different for another', () => {
    const material = randomBytes(32);
    const key = serverKeyFromBytes(material);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(serverKeyFromBytes(Buffer.from(material)).id).toBe(key.id);
    expect(serverKeyFromBytes(randomBytes(32)).id).not.toBe(key.id);
    expect(material.toString('hex')).not.toContain(key.id);
    expect(key.sealingKey.equals(material)).toBe(false);
    expect(key.sealingKey.toString('hex')).not.toContain(key.id);
  });
});

describe('sealed values', () => {
  const key = parseServerKey(newServerKeyText(), 'test');
  const secrets = new ServerSecrets(key);

  it('read v1.<key id>.<96-bit nonce>.<ciphertext+tag>, with a fresh nonce every time', () => {
    const first = secrets.seal('JBSWY3DPEHPK3PXP', PLACE);
    const second = secrets.seal('JBSWY3DPEHPK3PXP', PLACE);
    expect(first).toMatch(new RegExp(`^v1\\.${key.id}\\.[\\w-]{16}\\.[\\w-]{43}$`)); // 16 bytes + 16-byte tag
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
    expect(first).not.toContain('JBSWY3DP');
    expect(isSealed(first)).toBe(true);
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false);
    expect(secrets.open(first, PLACE)).toEqual({ ok: true, value: 'JBSWY3DPEHPK3PXP' });
    expect(secrets.open(secrets.seal('', PLACE), PLACE)).toEqual({ ok: true, value: '' });
  });

  it('open only in their place, with their key, unaltered', () => {
    const sealed = secrets.seal('secret', PLACE);
    const codes = [
      secrets.open(sealed, { ...PLACE, rowId: 'user-2' }),
      secrets.open(sealed, { ...PLACE, column: 'other' }),
      secrets.open(sealed, { ...PLACE, table: 'other' }),
      new ServerSecrets(parseServerKey(newServerKeyText(), 'test')).open(sealed, PLACE),
      secrets.open(flip(sealed, sealed.length - 10), PLACE), // in the ciphertext
      secrets.open(flip(sealed, sealed.length - 1), PLACE), // the last character: spare bits only, maybe
      secrets.open(flip(sealed, 25), PLACE), // in the nonce
      secrets.open(sealed.slice(0, -30), PLACE),
      secrets.open(sealed.replace('v1.', 'v2.'), PLACE),
    ].map((result) => (result.ok ? 'opened' : result.error.code));
    expect(codes).toEqual([
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SERVER_KEY_MISMATCH',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
      'SEALED_VALUE_INVALID',
    ]);
  });

  it('seal with the current key and open with an older one they name (what a rotation needs)', () => {
    const next = parseServerKey(newServerKeyText(), 'test');
    const both = new ServerSecrets(next, [key]);
    const old = secrets.seal('pem', PLACE);
    expect(both.open(old, PLACE)).toEqual({ ok: true, value: 'pem' });
    expect(both.seal('pem', PLACE)).toMatch(new RegExp(`^v1\\.${next.id}\\.`));
    expect(both.keyId).toBe(next.id);
    const fromNew = new ServerSecrets(next).open(old, PLACE);
    expect(fromNew).toMatchObject({ ok: false, error: { code: 'SERVER_KEY_MISMATCH' } });
    expect(!fromNew.ok && fromNew.error.message).toBe(
      `The value in user_totp.secret_sealed of user-1 is sealed with server key ${key.id}, but this server has key ${next.id}.`,
    );
  });
});

describe('key files', () => {
  const temp = makeTempDir('clientele-server-key-');
  afterAll(() => temp.remove());
  const mode = (path: string): number => statSync(path).mode & 0o777;

  it('are created 0600 whatever the umask, whole, and never overwritten', () => {
    const dir = join(temp.path, 'a');
    mkdirSync(dir);
    const path = join(dir, 'server-secret.key');
    const previousUmask = process.umask(0);
    let made: ReturnType<typeof createKeyFile>;
    try {
      made = createKeyFile(path);
    } finally {
      process.umask(previousUmask);
    }
    expect(made.created).toBe(true);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(readKeyFile(path)!.id).toBe(made.key.id);
    // A second creator (another process starting at once) gets the first one's key.
    expect(createKeyFile(path)).toEqual({ key: made.key, created: false });
    expect(readdirSync(dir)).toEqual(['server-secret.key']); // no temp file left behind
  });

  it('are replaced atomically, keeping 0600', () => {
    const path = join(temp.path, 'replaced.key');
    const text = newServerKeyText();
    writeKeyFile(path, `${newServerKeyText()}\n`);
    writeKeyFile(path, `${text}\n`);
    expect(readFileSync(path, 'utf8')).toBe(`${text}\n`);
    expect(mode(path)).toBe(0o600);
    expect(readKeyFile(join(temp.path, 'missing.key'))).toBeUndefined();
    writeFileSync(join(temp.path, 'bad.key'), 'not a key\n');
    expect(() => readKeyFile(join(temp.path, 'bad.key'))).toThrow(
      /^The key file .*bad\.key does not hold a server key/,
    );
  });
});

describe('where the key comes from', () => {
  const temp = makeTempDir('clientele-server-key-source-');
  afterAll(() => temp.remove());
  const sqlite = { kind: 'sqlite', file: join(temp.path, 'data', 'server.db') } as const;
  const postgres = { kind: 'postgres', url: 'postgres://app@db/clientele' } as const;

  it("the environment or --secret-key-file, never both; else SQLite's data-dir file; PostgreSQL refuses", () => {
    const text = newServerKeyText();
    expect(keySourceFor({ env: { CLIENTELE_SERVER_SECRET_KEY: text }, database: postgres })).toEqual({
      kind: 'text',
      text,
      origin: 'CLIENTELE_SERVER_SECRET_KEY',
    });
    expect(keySourceFor({ env: {}, keyFile: '/run/secrets/key', database: postgres })).toEqual({
      kind: 'file',
      path: '/run/secrets/key',
    });
    expect(keySourceFor({ env: {}, database: sqlite })).toEqual({
      kind: 'data-dir',
      path: join(temp.path, 'data', 'server-secret.key'),
    });
    expect(() => keySourceFor({ env: { CLIENTELE_SERVER_SECRET_KEY: text }, keyFile: '/k', database: sqlite })).toThrow(
      'Give the server secret key one way',
    );
    expect(() => keySourceFor({ env: {}, database: postgres })).toThrow(POSTGRES_NEEDS_A_KEY);
    expect(POSTGRES_NEEDS_A_KEY).toMatch(/CLIENTELE_SERVER_SECRET_KEY or --secret-key-file PATH.*secrets generate-key/);
  });

  it("SQLite's file is made only while nothing is sealed; a lost file is an error naming the key expected", () => {
    const dir = join(temp.path, 'lost');
    mkdirSync(dir);
    const path = join(dir, 'server-secret.key');
    expect(() => loadDataDirKey(path, new Map([['0123456789abcdef', 3]]), true)).toThrow(
      `The database's secrets are sealed with server key 0123456789abcdef, and its key file server-secret.key is missing from ${dir}.`,
    );
    expect(existsSync(path)).toBe(false);
    expect(() => loadDataDirKey(path, new Map(), false)).toThrow(/There is no key file/);
    const made = loadDataDirKey(path, new Map(), true);
    expect(made.notice).toBe(
      `Created the server secret key ${path} (mode 0600, key id ${made.key.id}). Back it up apart from the ` +
        'database: without it the workspace signing key and the 2FA secrets can not be read.',
    );
    expect(loadDataDirKey(path, new Map([[made.key.id, 1]]), true)).toEqual({ key: made.key });
  });

  it('a rotation interrupted after its commit is finished by the next start', () => {
    const dir = join(temp.path, 'interrupted');
    mkdirSync(dir);
    const path = join(dir, 'server-secret.key');
    writeKeyFile(path, `${newServerKeyText()}\n`);
    writeKeyFile(pendingKeyFile(path), `${newServerKeyText()}\n`);
    const old = readKeyFile(path)!;
    const pending = readKeyFile(pendingKeyFile(path))!;
    // The database was re-sealed with the pending key; the file still holds the old one.
    const loaded = loadDataDirKey(path, new Map([[pending.id, 2]]), true);
    expect(loaded.key.id).toBe(pending.id);
    expect(loaded.notice).toMatch(
      `Finished an interrupted key rotation: server-secret.key now holds key ${pending.id}`,
    );
    expect(readKeyFile(path)!.id).toBe(pending.id);
    expect(readKeyFile(previousKeyFile(path, old.id))!.id).toBe(old.id);
    expect(existsSync(pendingKeyFile(path))).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
