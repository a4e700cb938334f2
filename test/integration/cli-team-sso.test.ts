import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { startSsoWorld, type SsoWorld } from '../harness/sso.js';
import { serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { UserAgent } from '../harness/user-agent.js';

// `clientele team enroll --sso`, the built command in its own process with a private gnome-keyring,
// against a team server and an OpenID provider on 127.0.0.1: it prints the sign-in link, the test is
// the person who opens it and signs in, and the command ends enrolled.

const CLI = fileURLToPath(new URL('../../bin/clientele.js', import.meta.url));
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const temp = makeTempDir('clientele-cli-team-sso-');
const profile = join(temp.path, 'desktop');
let keyring: SecretService;
let world: SsoWorld;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  world = await startSsoWorld(
    { kind: 'sqlite', file: join(temp.path, 'server', 'server.db') },
    { accounts: { 'sub-rep': { email: REP.email, email_verified: true } } },
  );
  const rep = await serverApi<UserView>(world.server, 'POST', '/api/admin/users', world.admin, REP);
  const roles = await serverApi<RoleView[]>(world.server, 'GET', '/api/admin/roles', world.admin);
  const salesRep = roles.find((role) => role.name === 'Sales rep')!;
  await serverApi(world.server, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, world.admin);
  expect((await runCli(['--data-dir', profile, 'init', '--name', 'Rep'], { env: keyring.env })).code).toBe(0);
});
afterAll(async () => {
  await world?.close();
  await keyring?.stop();
  temp.remove();
});

/** Runs the CLI and, once it printed the sign-in link, signs in through it as `login`. */
function enrollBySso(
  args: string[],
  login: string,
): Promise<{ code: number; stdout: string; stderr: string; url: string }> {
  const child = spawn(process.execPath, [CLI, '--data-dir', profile, 'team', 'enroll', ...args], {
    env: keyring.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let url = '';
  let browsing: Promise<unknown> = Promise.resolve();
  const look = (): void => {
    const match = url ? null : /(http:\/\/127\.0\.0\.1:\d+\/api\/auth\/sso\/start\?\S+)/.exec(stdout + stderr);
    if (!match) return;
    url = match[1]!;
    browsing = new UserAgent().go(url, { login });
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    look();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    look();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      browsing.then(
        () => resolve({ code: code ?? -1, stdout, stderr, url }),
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  });
}

describe('clientele team enroll --sso', () => {
  it('refuses --sso with a password sign-in’s options', async () => {
    const run = await runCli(
      ['--data-dir', profile, 'team', 'enroll', '--server', world.server.url, '--sso', '--email', REP.email],
      { env: keyring.env },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('leave out --email');
  });

  it('prints the link, waits for the browser and enrolls (--json: the link on stderr, the status on stdout)', async () => {
    const run = await enrollBySso(['--server', world.server.url, '--sso', '--no-browser', '--json'], 'sub-rep');
    expect(run.code).toBe(0);
    expect(run.url).not.toBe('');
    expect(run.stderr).toContain('Open that link in a browser on this computer');
    const result = JSON.parse(run.stdout) as { ok: boolean; value: { enrolled: boolean; policy: { version: number } } };
    expect(result).toMatchObject({
      ok: true,
      value: { enrolled: true, serverUrl: world.server.url, policy: { version: 1 } },
    });
    const status = await runCli(['--data-dir', profile, 'team', 'status'], { env: keyring.env });
    expect(status.stdout).toContain(`server      ${world.server.url}`);
    expect(status.stdout).toContain('policy      version 1');
  });
});
