import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// `clientele team enroll` and `team status`, the built command in its own processes, against a team
// server listening on 127.0.0.1 in this process and a private gnome-keyring.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const temp = makeTempDir('clientele-cli-team-');
let keyring: SecretService;
let server: RunningServer;
let admin: string;

type Body<T> = { ok: boolean; value: T };

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return ((await response.json()) as Body<T>).value;
}

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  server = await startServer({
    database: { kind: 'sqlite', file: `${temp.path}/server/server.db` },
    host: '127.0.0.1',
    port: 0,
  });
  const token = server.bootstrapLink!.split('#token=')[1];
  admin = (await api<{ token: string }>('POST', '/api/auth/bootstrap', null, { token, ...ADMIN })).token;
  const rep = await api<UserView>('POST', '/api/admin/users', admin, REP);
  const roles = await api<RoleView[]>('GET', '/api/admin/roles', admin);
  await api('PUT', `/api/admin/users/${rep.id}/roles/${roles.find((r) => r.name === 'Sales rep')!.id}`, admin);
});
afterAll(async () => {
  await server.close();
  await keyring.stop();
  temp.remove();
});

const cli = (args: string[], stdin?: string) =>
  runCli(['--data-dir', `${temp.path}/desktop`, ...args], { env: keyring.env, ...(stdin ? { stdin } : {}) });

describe('clientele team', () => {
  it('enrolls with the password from stdin and shows the status', async () => {
    expect((await cli(['init', '--name', 'Rep'])).code).toBe(0);
    expect((await cli(['team', 'status', '--json'])).json).toMatchObject({ ok: true, value: { enrolled: false } });

    const noStdin = await cli(['team', 'enroll', '--server', server.url, '--email', REP.email]);
    expect(noStdin.code).toBe(1);
    expect(noStdin.stderr).toContain('--password-stdin');

    const wrong = await cli(
      ['team', 'enroll', '--server', server.url, '--email', REP.email, '--password-stdin'],
      'wrong password here\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Error AUTH: The email or password is incorrect.');

    const enrolled = await cli(
      ['team', 'enroll', '--server', server.url, '--email', REP.email, '--password-stdin'],
      `${REP.password}\n`,
    );
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toMatch(/^Enrolled\.\nserver {6}http:\/\/127\.0\.0\.1:\d+\n/);
    expect(enrolled.stdout).toContain('policy      version 1, expires');

    const status = await cli(['team', 'status', '--json']);
    expect(status.json).toMatchObject({
      ok: true,
      value: { enrolled: true, serverUrl: server.url, policy: { version: 1 } },
    });
    // Sales rep may not export: the CLI's calls go through the same policy.
    const exported = await cli(['call', 'contacts.export', '{}', '--json']);
    expect(exported.json).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('asks for a grant, lists it, follows its approval, and gives it back', async () => {
    const badMinutes = await cli([
      'team',
      'grant',
      'request',
      '--object',
      'contact',
      '--action',
      'export',
      '--scope',
      'own',
      '--minutes',
      'soon',
      '--reason',
      'x',
    ]);
    expect(badMinutes.code).not.toBe(0);
    expect(badMinutes.stderr).toContain('a whole number of minutes');

    const asked = await cli([
      'team',
      'grant',
      'request',
      '--object',
      'contact',
      '--action',
      'export',
      '--scope',
      'own',
      '--minutes',
      '60',
      '--reason',
      'The customer asked for a copy',
    ]);
    expect(asked.stderr).toBe('');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(
      /^Asked; waiting for an approver\.\n[0-9a-f-]{36} {2}pending {4}export contact \(own\) {2}asked for 60 min\n$/,
    );
    const id = asked.stdout.split('\n')[1]!.slice(0, 36);

    const listed = await cli(['team', 'grant', 'list', '--json']);
    expect(listed.json).toMatchObject({
      ok: true,
      value: [{ id, status: 'pending', reason: 'The customer asked for a copy' }],
    });

    await api('POST', `/api/grants/${id}/approve`, admin, { minutes: 45 });
    expect((await cli(['team', 'grant', 'list'])).stdout).toMatch(
      new RegExp(`^${id} {2}approved {3}export contact \\(own\\) {2}until \\S+Z\\n$`),
    );
    expect((await cli(['call', 'team.refreshPolicy', '{}', '--json'])).json).toMatchObject({
      ok: true,
      value: { outcome: 'updated' },
    });
    expect((await cli(['call', 'contacts.export', '{}', '--json'])).json).toMatchObject({ ok: true });

    const cancelled = await cli(['team', 'grant', 'cancel', id]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/^Cancelled\.\n/);
    expect((await cli(['call', 'contacts.export', '{}', '--json'])).json).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const again = await cli(['team', 'grant', 'cancel', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error CONFLICT: This access request is cancelled already.\n');
  });
});
