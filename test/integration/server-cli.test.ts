import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newServerKeyText } from '../../server/secrets/server-key.js';
import { startPostgres, type PostgresCluster } from '../harness/postgres.js';
import { runServerCommand, startServerProcess } from '../harness/server-process.js';
import type { ApiBody } from '../harness/team-server.js';
import { makeTempDir } from '../harness/temp-dir.js';

const ADMIN = { email: 'first.admin@example.com', password: 'the first admin passphrase' };
const SECRET_KEY = newServerKeyText();

async function postJson(url: string, body: unknown): Promise<{ status: number; body: ApiBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiBody };
}

describe('npm run server', () => {
  const temp = makeTempDir('clientele-server-cli-');
  let cluster: PostgresCluster | undefined;
  afterAll(() => {
    cluster?.stop();
    temp.remove();
  });

  const backends = [
    {
      name: 'embedded SQLite in --data-dir',
      setup: async () => ({ args: ['--data-dir', join(temp.path, 'data')], env: { ...process.env, DATABASE_URL: '' } }),
      check: () => expect(existsSync(join(temp.path, 'data', 'server.db'))).toBe(true),
    },
    {
      name: 'PostgreSQL from DATABASE_URL',
      setup: async () => {
        cluster ??= await startPostgres();
        const url = await cluster.createDatabase('server_cli');
        // PostgreSQL takes its server secret key from the environment (it never makes one).
        return { args: [], env: { ...process.env, DATABASE_URL: url, CLIENTELE_SERVER_SECRET_KEY: SECRET_KEY } };
      },
      check: () => undefined,
    },
  ];

  it.each(backends)(
    'on $name: prints a setup link once, which creates the admin, who can still sign in after a restart',
    async ({ setup, check }) => {
      const { args, env } = await setup();
      const first = await startServerProcess([...args, '--port', '0'], env);
      try {
        expect(first.output).toContain('No admin yet');
        expect(first.bootstrapToken).toMatch(/^[\w-]{43}$/);
        // The link opens the admin UI's set-up page, which `npm run server` built (a fresh clone needs nothing else).
        expect(first.output).toContain(`${first.url}/admin/setup#token=`);
        const page = await fetch(`${first.url}/setup`);
        expect(page.url).toBe(`${first.url}/admin/setup`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
        expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/admin\/assets\/index-[\w-]+\.js">/);
        const created = await postJson(`${first.url}/api/auth/bootstrap`, { token: first.bootstrapToken, ...ADMIN });
        expect(created.status).toBe(201);
        const reused = await postJson(`${first.url}/api/auth/bootstrap`, { token: first.bootstrapToken, ...ADMIN });
        expect(reused.status).toBe(401);
      } finally {
        await first.stop();
      }
      check();

      const second = await startServerProcess([...args, '--port', '0'], env);
      try {
        expect(second.output).not.toContain('No admin yet');
        expect(second.bootstrapToken).toBeUndefined();
        const login = await postJson(`${second.url}/api/auth/login`, ADMIN);
        expect(login.status).toBe(200);
        const session = await fetch(`${second.url}/api/auth/session`, {
          headers: { authorization: `Bearer ${login.body.value.token}` },
        });
        expect(session.status).toBe(200);
      } finally {
        await second.stop();
      }
    },
    120_000,
  );

  it('refuses a DATABASE_URL that is not PostgreSQL, saying why', async () => {
    const result = await runServerCommand(['--port', '0'], { ...process.env, DATABASE_URL: 'mysql://localhost/x' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL must start with postgres://');
  }, 60_000);
});
