import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir, snapshotDir } from '../harness/temp-dir.js';
import { openTestCore } from '../harness/core.js';

// This file's process points at a session bus that does not exist: no Secret Service at all.
// A profile made elsewhere (by the CLI, on a working keyring) must then stay locked, untouched.
let working: SecretService;
let profileDir: { path: string; remove(): void };
const emptyDir = makeTempDir();

beforeAll(async () => {
  working = await startSecretService('unlocked');
  profileDir = makeTempDir();
  const made = await runCli(['--data-dir', profileDir.path, '--json', 'init', '--name', 'Elsewhere'], {
    env: working.env,
  });
  expect(made.code).toBe(0);
  process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${emptyDir.path}/no-such-bus`;
});
afterAll(async () => {
  await working.stop();
  profileDir.remove();
  emptyDir.remove();
});

describe('no Secret Service reachable', () => {
  it('opens an existing profile as KEYCHAIN_UNAVAILABLE and changes no byte', async () => {
    const before = snapshotDir(profileDir.path);
    const core = await openTestCore(profileDir.path);
    const state = await core.state();
    expect(state).toMatchObject({ phase: 'locked', error: { code: 'KEYCHAIN_UNAVAILABLE' }, canRecover: false });
    if (state.phase === 'locked') expect(state.error.message).toMatch(/keychain/i);
    expect(await core.call('settings.get')).toMatchObject({ ok: false, error: { code: 'PROFILE_LOCKED' } });
    await core.close();
    expect(snapshotDir(profileDir.path)).toEqual(before);
  });

  it('refuses to create a profile and writes no file (never a plaintext fallback)', async () => {
    const dataDir = makeTempDir();
    const core = await openTestCore(dataDir.path);
    expect(await core.call('profile.create', { displayName: 'Nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'KEYCHAIN_UNAVAILABLE' },
    });
    await core.close();
    expect(readdirSync(dataDir.path)).toEqual([]);
    dataDir.remove();
  });
});
