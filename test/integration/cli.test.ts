import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The built `clientele` command in its own processes, against a private gnome-keyring.
let keyring: SecretService;
const data = makeTempDir();
let recoveryKey = '';
let profileId = '';

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
});
afterAll(async () => {
  await keyring.stop();
  data.remove();
});

const cli = (args: string[], stdin?: string) => runCli(['--data-dir', data.path, ...args], { env: keyring.env, stdin });

describe('clientele CLI', () => {
  it('prints help listing the commands', async () => {
    const help = await runCli(['--help'], { env: keyring.env });
    expect(help.code).toBe(0);
    for (const command of ['status', 'init', 'recover', 'settings', 'calls', 'call'])
      expect(help.stdout).toContain(command);
  });

  it('walks through init, status and settings with --json', async () => {
    const before = await cli(['status', '--json']);
    expect(before.json).toEqual({ ok: true, value: { phase: 'onboarding' } });

    const init = await cli(['init', '--name', 'Ada Lovelace', '--json']);
    expect(init.code).toBe(0);
    const created = init.json as { ok: true; value: { recoveryKey: string; profile: { id: string } } };
    recoveryKey = created.value.recoveryKey;
    profileId = created.value.profile.id;

    const status = await cli(['status', '--json']);
    expect(status.json).toMatchObject({
      ok: true,
      value: { phase: 'ready', profile: { displayName: 'Ada Lovelace' } },
    });

    const set = await cli(['settings', 'set', '--theme', 'dark', '--backfill-months', 'all', '--json']);
    expect(set.json).toEqual({ ok: true, value: { theme: 'dark', backfillMonths: null } });
  });

  it('exits 1 with VALIDATION and the field path for bad input', async () => {
    const bad = await cli(['settings', 'set', '--theme', 'purple', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { issues: [{ path: ['theme'] }] } },
    });
    const human = await cli(['settings', 'set', '--theme', 'purple']);
    expect(human.stderr).toMatch(/VALIDATION: theme:/);
  });

  it('restores a reset keychain from the recovery key read on stdin', async () => {
    // Reset the keyring entries as a user wiping their keyring would.
    const wipe = spawn('secret-tool', ['clear', 'service', 'Clientele', 'username', profileId], { env: keyring.env });
    await new Promise((resolve) => wipe.on('close', resolve));
    const locked = await cli(['status', '--json']);
    expect(locked.json).toMatchObject({
      ok: true,
      value: { phase: 'locked', error: { code: 'STORE_KEY_MISSING' }, canRecover: true },
    });

    const wrong = await cli(
      ['recover', '--json'],
      'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\n',
    );
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'RECOVERY_KEY_INVALID' } });

    const recovered = await cli(['recover', '--json'], `${recoveryKey}\n`);
    expect(recovered.code).toBe(0);
    const settings = await cli(['settings', 'get', '--json']);
    expect(settings.json).toEqual({ ok: true, value: { theme: 'dark', backfillMonths: null } });
  });

  it('refuses a second process on the same profile with PROFILE_LOCKED', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${data.path}/core.lock`, String(holder.pid));
    try {
      const blocked = await cli(['status', '--json']);
      expect(blocked.code).toBe(1);
      expect(blocked.json).toMatchObject({ ok: false, error: { code: 'PROFILE_LOCKED' } });
    } finally {
      holder.kill();
    }
    await new Promise((resolve) => holder.on('exit', resolve));
    // A lock left by a dead process is taken over.
    const after = await cli(['status', '--json']);
    expect(after.json).toMatchObject({ ok: true, value: { phase: 'ready' } });
  });

  it('never writes the recovery key or store keys to the log, even at trace level', async () => {
    const run = await runCli(['--data-dir', data.path, 'recover'], {
      env: { ...keyring.env, CLIENTELE_LOG_LEVEL: 'trace' },
      stdin: `${recoveryKey}\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/restored from the recovery key/); // the log is on and was written
    expect(run.stderr).not.toContain(recoveryKey);
    expect(run.stderr.replace(/[\s-]/g, '')).not.toContain(recoveryKey.replace(/-/g, ''));
  });
});
