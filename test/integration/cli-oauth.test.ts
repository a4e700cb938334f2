import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GMAIL_SCOPES, GRAPH_SCOPES } from '../../main/sync/oauth/providers.js';
import { runCli } from '../harness/cli.js';
import { envFor, playBrowser, startFakeOAuthProvider, type FakeOAuthProvider } from '../harness/oauth-provider.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// `clientele account add gmail|graph` in its own process, configured through the environment
// (as a workspace's own OAuth app is), against the fakes. The test plays the browser from the
// URL the CLI prints; a stand-in xdg-open on PATH records what the CLI tried to open.
const CLI = fileURLToPath(new URL('../../bin/clientele.js', import.meta.url));
let keyring: SecretService;
let google: FakeOAuthProvider;
let microsoft: FakeOAuthProvider;
const data = makeTempDir();
const bin = join(data.path, 'bin');
const opened = join(data.path, 'opened.txt');
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  google = await startFakeOAuthProvider({
    clientId: 'gmail-desktop',
    clientSecret: 'gmail-secret',
    scopes: GMAIL_SCOPES,
  });
  microsoft = await startFakeOAuthProvider({ clientId: 'graph-public', scopes: GRAPH_SCOPES });
  microsoft.auth.user = 'bob@contoso.test';
  mkdirSync(bin);
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${opened}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  env = {
    ...keyring.env,
    PATH: `${bin}:${keyring.env.PATH ?? ''}`,
    // A desktop session, so the CLI tries the (stand-in) xdg-open.
    DISPLAY: ':99',
    ...envFor('CLIENTELE_GMAIL', google),
    ...envFor('CLIENTELE_GRAPH', microsoft),
  };
  const init = await runCli(['--data-dir', join(data.path, 'profile'), 'init', '--name', 'CLI tester'], { env });
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await google?.close();
  await microsoft?.close();
  await keyring?.stop();
  data.remove();
});

/** Runs the CLI, plays the browser as soon as it prints a sign-in URL, and returns what it printed. */
function addAccount(args: string[]): Promise<{ code: number; stdout: string; stderr: string; url: string }> {
  const child = spawn(process.execPath, [CLI, '--data-dir', join(data.path, 'profile'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let url = '';
  let browsing: Promise<unknown> = Promise.resolve();
  const look = (): void => {
    if (url) return;
    const match = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(stdout + stderr);
    if (!match) return;
    url = match[1]!;
    browsing = playBrowser(url);
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

describe('clientele account add gmail|graph', () => {
  it('connects Gmail with --json: the URL on stderr, the account as the JSON result, the browser opened', async () => {
    const run = await addAccount(['account', 'add', 'gmail', '--json']);
    expect(run.code).toBe(0);
    expect(run.url).not.toBe('');
    expect(run.stderr).toContain(run.url);
    const result = JSON.parse(run.stdout) as { ok: boolean; value: { kind: string; email: string; id: string } };
    expect(result).toMatchObject({ ok: true, value: { kind: 'gmail', email: 'alice@example.test' } });
    // It tried the system browser with the same URL (failing to open would not have been an error).
    expect(readFileSync(opened, 'utf8').trim()).toBe(run.url);
    // The built-in identify asked the (fake) Gmail API who signed in, with a token from the flow.
    expect(google.requests.some((line) => line.startsWith('GET /gmail/v1/users/me/profile'))).toBe(true);
    // Nothing secret in what the CLI printed.
    const refreshToken = google.auth.grant('alice@example.test').refreshToken;
    expect(run.stdout + run.stderr).not.toContain(refreshToken);
    expect(run.stdout + run.stderr).not.toContain('gmail-secret');
  });

  it('connects Microsoft 365 in human mode without a browser opener', async () => {
    writeFileSync(opened, '');
    const run = await addAccount(['account', 'add', 'graph', '--no-browser']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(run.url);
    expect(run.stdout).toMatch(/Open that link in a browser/);
    expect(run.stdout).toMatch(/Connected bob@contoso\.test \(Microsoft 365, account [0-9a-f-]+\)/);
    expect(readFileSync(opened, 'utf8')).toBe('');
    const list = await runCli(['--data-dir', join(data.path, 'profile'), 'account', 'list', '--json'], { env });
    const accounts = (list.json as { value: { kind: string; email: string }[] }).value;
    expect(accounts.map((a) => `${a.kind}:${a.email}`).sort()).toEqual([
      'gmail:alice@example.test',
      'graph:bob@contoso.test',
    ]);
  });

  it('fails with PERMISSION and exit code 1 when access is denied in the browser', async () => {
    google.auth.user = null;
    try {
      const run = await addAccount(['account', 'add', 'gmail', '--json', '--no-browser']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'PERMISSION' } });
    } finally {
      google.auth.user = 'alice@example.test';
    }
  });

  it('says how to configure a provider without a client id', async () => {
    const bare = { ...keyring.env };
    const run = await runCli(['--data-dir', join(data.path, 'profile'), 'account', 'add', 'gmail'], { env: bare });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VALIDATION: .*CLIENTELE_GMAIL_CLIENT_ID/);
  });
});
