import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newServerKeyText, parseServerKey } from '../../server/secrets/server-key.js';
import { startPostgres, type PostgresCluster } from '../harness/postgres.js';
import { runServerCommand, startServerProcess } from '../harness/server-process.js';
import { makeTempDir } from '../harness/temp-dir.js';

const keyId = (text: string): string => parseServerKey(text, 'test').id;
const mode = (path: string): number => statSync(path).mode & 0o777;
const fingerprintIn = (output: string): string | undefined => /fingerprint[^:]*: ([\w-]{43})/.exec(output)?.[1];
const keyIdIn = (output: string): string | undefined => /Server secret key id: ([0-9a-f]{16})/.exec(output)?.[1];

// `npm run server` and `npm run server -- secrets ...` as an admin runs them, in real processes.
describe('the server secret key from the command line', () => {
  const temp = makeTempDir('clientele-server-secrets-cli-');
  let cluster: PostgresCluster | undefined;
  afterAll(() => {
    cluster?.stop();
    temp.remove();
  });
  // No key from the environment of whoever runs the tests.
  const baseEnv = {
    ...process.env,
    DATABASE_URL: '',
    CLIENTELE_SERVER_SECRET_KEY: '',
    CLIENTELE_SERVER_SECRET_KEY_PREVIOUS: '',
  };
  const dataDir = join(temp.path, 'data');
  const keyFile = join(dataDir, 'server-secret.key');
  const args = ['--data-dir', dataDir];

  it('on SQLite: the first start makes a 0600 key file and says so; a wrong or lost key stops later starts', async () => {
    const first = await startServerProcess([...args, '--port', '0'], baseEnv);
    await first.stop();
    const id = keyIdIn(first.output)!;
    expect(first.output).toContain(
      `Created the server secret key ${keyFile} (mode 0600, key id ${id}). Back it up apart from the database`,
    );
    expect(mode(keyFile)).toBe(0o600);
    expect(keyId(readFileSync(keyFile, 'utf8'))).toBe(id);

    const second = await startServerProcess([...args, '--port', '0'], baseEnv);
    await second.stop();
    expect(second.output).not.toContain('Created the server secret key');
    expect(keyIdIn(second.output)).toBe(id);
    expect(fingerprintIn(second.output)).toBe(fingerprintIn(first.output));

    const otherKey = newServerKeyText();
    const wrong = await runServerCommand([...args, '--port', '0'], {
      ...baseEnv,
      CLIENTELE_SERVER_SECRET_KEY: otherKey,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `clientele server: The database's secrets are sealed with server key ${id} (1 value), but ` +
        `CLIENTELE_SERVER_SECRET_KEY holds key ${keyId(otherKey)}. Start the server with key ${id}`,
    );

    renameSync(keyFile, `${keyFile}.moved`);
    const lost = await runServerCommand([...args, '--port', '0'], baseEnv);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(
      `clientele server: The database's secrets are sealed with server key ${id}, and its key file ` +
        `server-secret.key is missing from ${dataDir}.`,
    );
    expect(existsSync(keyFile)).toBe(false); // no new key was made
    renameSync(`${keyFile}.moved`, keyFile);
  }, 120_000);

  it('secrets status, rotate and generate-key: their words and exit codes', async () => {
    const id = keyId(readFileSync(keyFile, 'utf8'));
    const status = await runServerCommand(['secrets', 'status', ...args], baseEnv);
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toBe(
      `Database: 1 value sealed with key ${id}: workspace.private_key_sealed 1, user_totp.secret_sealed 0, sso_config.client_secret_sealed 0, sso_sessions.id_token_sealed 0.\n` +
        `Key given: ${id} (the key file ${keyFile}): it opens 1 of 1 value.\nStatus: OK\n`,
    );
    const otherKey = newServerKeyText();
    const wrong = await runServerCommand(['secrets', 'status', ...args], {
      ...baseEnv,
      CLIENTELE_SERVER_SECRET_KEY: otherKey,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      `Key given: ${keyId(otherKey)} (CLIENTELE_SERVER_SECRET_KEY): it opens 0 of 1 value. It is not the key the database uses.\nStatus: PROBLEM`,
    );

    // On SQLite with no key given, rotate makes the new key itself and swaps the data dir's file.
    const rotated = await runServerCommand(['secrets', 'rotate', ...args], baseEnv);
    expect(rotated.code).toBe(0);
    const newId = keyId(readFileSync(keyFile, 'utf8'));
    expect(newId).not.toBe(id);
    expect(rotated.stdout).toMatch(
      new RegExp(
        `^Re-sealed 1 value \\(workspace.private_key_sealed 1, user_totp.secret_sealed 0, sso_config.client_secret_sealed 0, sso_sessions.id_token_sealed 0\\) from key ${id} to key ` +
          `${newId} in one transaction; audit entry #\\d+ \\(secrets.rotated\\)\\.\\n${keyFile} now holds key ${newId}; ` +
          `the old key ${id} is kept as ${keyFile}.previous-${id} for backups made before now`,
      ),
    );
    expect(keyId(readFileSync(`${keyFile}.previous-${id}`, 'utf8'))).toBe(id);
    expect([mode(keyFile), mode(`${keyFile}.previous-${id}`)]).toEqual([0o600, 0o600]);
    expect(
      readdirSync(dataDir)
        .filter((name) => name.startsWith('server-secret'))
        .sort(),
    ).toEqual(['server-secret.key', `server-secret.key.previous-${id}`]);

    const started = await startServerProcess([...args, '--port', '0'], baseEnv);
    await started.stop();
    expect(keyIdIn(started.output)).toBe(newId);
    expect((await runServerCommand(['secrets', 'status', ...args], baseEnv)).code).toBe(0);
    expect((await runServerCommand(['audit', 'verify', ...args], baseEnv)).code).toBe(0);

    const generated = await runServerCommand(['secrets', 'generate-key'], baseEnv);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(generated.stderr).toBe(
      `Key id ${keyId(generated.stdout)}. Keep the key secret, and back it up apart from the database.\n`,
    );
    const usage = await runServerCommand(['secrets'], baseEnv);
    expect(usage.code).toBe(1);
    expect(usage.stdout).toContain('Usage: npm run server -- secrets status');
  }, 120_000);

  it('on PostgreSQL: refuses to start without a key, saying how to make one, before touching the database', async () => {
    cluster ??= await startPostgres();
    const url = await cluster.createDatabase('secrets_cli');
    const env = { ...baseEnv, DATABASE_URL: url };
    const refused = await runServerCommand(['--port', '0'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'clientele server: PostgreSQL needs the server secret key from CLIENTELE_SERVER_SECRET_KEY or ' +
        '--secret-key-file PATH: several instances share the database, so none of them may make a key of its own. ' +
        'To start, make one with `npm run server -- secrets generate-key` (or `openssl rand -base64 32`), keep it ' +
        'in your secret store, and give the same key to every instance.\n',
    );
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows[0]).toEqual({ n: 0 });
    } finally {
      await client.end();
    }

    const file = join(temp.path, 'pg-secret.key');
    const text = newServerKeyText();
    writeFileSync(file, `${text}\n`, { mode: 0o600 });
    const started = await startServerProcess(['--port', '0', '--secret-key-file', file], env);
    await started.stop();
    expect(keyIdIn(started.output)).toBe(keyId(text));
    expect(started.output).not.toContain('Created the server secret key');

    const noKey = await runServerCommand(['secrets', 'status'], env);
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).toContain(`Database: 1 value sealed with key ${keyId(text)}`);
    expect(noKey.stdout).toContain('Key given: none. PostgreSQL needs the server secret key');
    const withKey = await runServerCommand(['secrets', 'status', '--secret-key-file', file, '--json'], env);
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({
      keyId: keyId(text),
      databaseKeyIds: { [keyId(text)]: 1 },
      sealed: 1,
      unsealed: 0,
      opened: 1,
      failed: 0,
      ok: true,
    });
  }, 120_000);
});
