import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir, snapshotDir } from '../harness/temp-dir.js';
import { openTestCore } from '../harness/core.js';

// A session bus whose keyring was never unlocked (no login collection): Secret Service answers
// "no such item" to reads, which must not be mistaken for a lost key.
let working: SecretService;
let bare: SecretService;
let profileDir: { path: string; remove(): void };

beforeAll(async () => {
  working = await startSecretService('unlocked');
  profileDir = makeTempDir();
  const made = await runCli(['--data-dir', profileDir.path, 'init', '--name', 'Elsewhere'], { env: working.env });
  expect(made.code).toBe(0);
  bare = await startSecretService('no-keyring');
  process.env.DBUS_SESSION_BUS_ADDRESS = bare.busAddress;
});
afterAll(async () => {
  await working.stop();
  await bare.stop();
  profileDir.remove();
});

describe('keyring never unlocked', () => {
  it('reports KEYCHAIN_LOCKED for an existing profile, not a missing key, and changes nothing', async () => {
    const before = snapshotDir(profileDir.path);
    const core = await openTestCore(profileDir.path);
    expect(await core.state()).toMatchObject({ phase: 'locked', error: { code: 'KEYCHAIN_LOCKED' } });
    await core.close();
    expect(snapshotDir(profileDir.path)).toEqual(before);
  });

  it('refuses to create a profile with KEYCHAIN_LOCKED and writes nothing', async () => {
    const dataDir = makeTempDir();
    const core = await openTestCore(dataDir.path);
    expect(await core.call('profile.create', { displayName: 'Nobody' })).toMatchObject({
      ok: false,
      error: { code: 'KEYCHAIN_LOCKED' },
    });
    await core.close();
    expect(readdirSync(dataDir.path)).toEqual([]);
    dataDir.remove();
  });
});
