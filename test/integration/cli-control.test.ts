import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { AppState, Settings } from '../../common/domain/profile.js';
import { runCli } from '../harness/cli.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The CLI while another process holds the profile (the app, browser mode, a `clientele sync` left
// running): its calls go to that process's core over the control socket in the profile folder, so
// they act on the one open store instead of failing on the profile lock. The real core (compiled),
// the real CLI in its own process, the real keychain.
let keyring: SecretService;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>> | null = null;
const socketPath = () => join(data.path, 'core.sock');
const cli = (args: string[]) => runCli(['--data-dir', data.path, ...args], { env: keyring.env });

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  core = await openTestCore(data.path);
  expectOk(await core.call('profile.create', { displayName: 'Control tester' }));
});
afterAll(async () => {
  await core?.close();
  await keyring?.stop();
  data.remove();
});

/** One raw exchange on the control socket: the lines sent, then as many answer lines. */
function exchange(lines: string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath());
    let received = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const answers = received.split('\n').filter(Boolean);
      if (answers.length >= lines.length) {
        socket.end();
        resolve(answers.map((line) => JSON.parse(line) as unknown));
      }
    });
    socket.on('connect', () => socket.write(lines.map((line) => `${line}\n`).join('')));
  });
}

describe('the CLI on a profile another process holds', () => {
  it('serves the control socket to the owner only', () => {
    expect(statSync(socketPath()).isSocket()).toBe(true);
    expect(statSync(socketPath()).mode & 0o777).toBe(0o600);
    expect(statSync(data.path).mode & 0o777).toBe(0o700);
  });

  it('answers `clientele status` from the holding core, and says so', async () => {
    const run = await cli(['status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`open in Clientele process ${process.pid}`);
    const state = expectOk(await core!.call<AppState>('app.state'));
    expect(run.json).toMatchObject({ ok: true, value: { phase: 'ready', sync: [] } });
    expect((run.json as { value: AppState & { phase: 'ready' } }).value.profile).toEqual(
      state.phase === 'ready' ? state.profile : null,
    );
  });

  it('changes the one open store: a setting changed by the CLI is the holding core’s setting', async () => {
    const run = await cli(['settings', 'set', '--theme', 'dark', '--backfill-months', '6', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(expectOk(await core!.call<Settings>('settings.get'))).toEqual({ theme: 'dark', backfillMonths: 6 });
  });

  it('passes refusals through as they are: a malformed input is VALIDATION, an unknown call NOT_FOUND', async () => {
    const invalid = await cli(['call', 'settings.update', '{"theme":"purple"}', '--json']);
    expect(invalid.code).toBe(1);
    expect(invalid.json).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const answers = await exchange([
      'not json',
      JSON.stringify({ id: 7, method: 'no.such.call', input: {} }),
      JSON.stringify({ id: 8, method: 'settings.get', input: {} }),
    ]);
    expect(answers[0]).toMatchObject({ id: null, result: { ok: false, error: { code: 'VALIDATION' } } });
    expect(answers[1]).toMatchObject({ id: 7, result: { ok: false } });
    expect((answers[1] as { result: { error: { code: string } } }).result.error.code).not.toBe('INTERNAL');
    expect(answers[2]).toEqual({ id: 8, result: { ok: true, value: { theme: 'dark', backfillMonths: 6 } } });
  });

  it('opens the profile itself once the holder has closed it (the socket goes with it)', async () => {
    await core!.close();
    core = null;
    expect(existsSync(socketPath())).toBe(false);
    const run = await cli(['settings', 'get', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('open in Clientele process');
    expect(run.json).toEqual({ ok: true, value: { theme: 'dark', backfillMonths: 6 } });
  });

  it('takes over after a holder killed with -9: its lock and socket file are left behind', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(data.path, 'core.lock'), String(dead.pid));
    writeFileSync(socketPath(), 'left over');
    // A folder opened up meanwhile is made owner-only again when the profile is opened.
    chmodSync(data.path, 0o755);
    const run = await cli(['status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, value: { phase: 'ready' } });
    expect(existsSync(socketPath())).toBe(false);
    expect(statSync(data.path).mode & 0o777).toBe(0o700);
  });

  it('still refuses with PROFILE_LOCKED when the holder serves no socket', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    writeFileSync(join(data.path, 'core.lock'), String(holder.pid));
    try {
      const blocked = await cli(['status', '--json']);
      expect(blocked.code).toBe(1);
      expect(blocked.json).toMatchObject({ ok: false, error: { code: 'PROFILE_LOCKED' } });
      expect((blocked.json as { error: { message: string } }).error.message).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill();
    }
    await new Promise((resolve) => holder.on('exit', resolve));
  });
});
