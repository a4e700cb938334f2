import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { OsKeychain } from '../../main/platform/keychain/os-keychain.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir, snapshotDir } from '../harness/temp-dir.js';
import { expectOk, openTestCore } from '../harness/core.js';

// The real Secret Service (gnome-keyring on a private bus), unlocked. This file's process
// talks only to that bus: the keyring library keeps one D-Bus connection per process.
let service: SecretService;
const dirs: { remove(): void }[] = [];

beforeAll(async () => {
  service = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = service.busAddress;
});
afterAll(async () => {
  await service.stop();
});
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function tempProfileDir(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir.path;
}

describe('OsKeychain against gnome-keyring', () => {
  it('creates, reads and deletes a secret', async () => {
    const keychain = new OsKeychain('ClienteleTest');
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(await keychain.get('acct-1')).toBeNull();
    await keychain.set('acct-1', secret);
    expect((await keychain.get('acct-1'))?.equals(secret)).toBe(true);
    expect(await keychain.delete('acct-1')).toBe(true);
    expect(await keychain.get('acct-1')).toBeNull();
    expect(await keychain.delete('acct-1')).toBe(false);
  });
});

describe('profile lifecycle with the real keychain', () => {
  it('creates an encrypted profile that opens again with the key from the keychain', async () => {
    const dataDir = tempProfileDir();
    const first = await openTestCore(dataDir);
    expect(await first.state()).toEqual({ phase: 'onboarding' });
    const created = expectOk(
      await first.call<{ recoveryKey: string; profile: { id: string } }>('profile.create', { displayName: 'Ada' }),
    );
    expect(created.recoveryKey).toMatch(/^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$/);
    expectOk(await first.call('settings.update', { theme: 'dark' }));
    await first.close();

    const keychain = new OsKeychain();
    expect((await keychain.get(created.profile.id))?.length).toBe(32);

    const second = await openTestCore(dataDir);
    const state = await second.state();
    expect(state.phase).toBe('ready');
    expect(expectOk(await second.call<{ theme: string }>('settings.get')).theme).toBe('dark');
    await second.close();
  });

  it('reports a missing keychain entry, changes no file, and recovers with the recovery key', async () => {
    const dataDir = tempProfileDir();
    const core = await openTestCore(dataDir);
    const { recoveryKey, profile } = expectOk(
      await core.call<{ recoveryKey: string; profile: { id: string } }>('profile.create', { displayName: 'Grace' }),
    );
    expectOk(await core.call('settings.update', { backfillMonths: 3 }));
    await core.close();

    // The keyring was reset: both entries are gone.
    const keychain = new OsKeychain();
    expect(await keychain.delete(profile.id)).toBe(true);
    expect(await keychain.delete(`${profile.id}:fields`)).toBe(true);
    const before = snapshotDir(dataDir);

    const locked = await openTestCore(dataDir);
    const state = await locked.state();
    expect(state).toMatchObject({ phase: 'locked', error: { code: 'STORE_KEY_MISSING' }, canRecover: true });
    const denied = await locked.call('settings.get');
    expect(denied).toMatchObject({ ok: false, error: { code: 'PROFILE_LOCKED' } });
    expect(await locked.call('profile.recover', { recoveryKey: 'AAAA-BBBB' })).toMatchObject({
      ok: false,
      error: { code: 'RECOVERY_KEY_INVALID' },
    });
    expect(snapshotDir(dataDir)).toEqual(before);

    // Typed back by a person: lower case, spaces instead of dashes.
    const typed = recoveryKey.toLowerCase().replace(/-/g, ' ');
    expect(expectOk(await locked.call<{ id: string }>('profile.recover', { recoveryKey: typed })).id).toBe(profile.id);
    expect((await locked.state()).phase).toBe('ready');
    expect(expectOk(await locked.call<{ backfillMonths: number }>('settings.get')).backfillMonths).toBe(3);
    await locked.close();
  });

  it('refuses a recovery key of another profile', async () => {
    const a = tempProfileDir();
    const b = tempProfileDir();
    const coreA = await openTestCore(a);
    const keyA = expectOk(
      await coreA.call<{ recoveryKey: string }>('profile.create', { displayName: 'A' }),
    ).recoveryKey;
    await coreA.close();
    const coreB = await openTestCore(b);
    const { profile } = expectOk(await coreB.call<{ profile: { id: string } }>('profile.create', { displayName: 'B' }));
    await coreB.close();
    await new OsKeychain().delete(profile.id);

    const lockedB = await openTestCore(b);
    expect(await lockedB.call('profile.recover', { recoveryKey: keyA })).toMatchObject({
      ok: false,
      error: { code: 'RECOVERY_KEY_INVALID' },
    });
    await lockedB.close();
  });

  it('reports a wrong key in the keychain as STORE_KEY_MISMATCH and leaves the file byte-identical', async () => {
    const dataDir = tempProfileDir();
    const core = await openTestCore(dataDir);
    const { profile, recoveryKey } = expectOk(
      await core.call<{ recoveryKey: string; profile: { id: string } }>('profile.create', { displayName: 'Mismatch' }),
    );
    await core.close();
    await new OsKeychain().set(profile.id, Buffer.alloc(32, 7));
    const before = snapshotDir(dataDir);

    const locked = await openTestCore(dataDir);
    expect(await locked.state()).toMatchObject({
      phase: 'locked',
      error: { code: 'STORE_KEY_MISMATCH' },
      canRecover: true,
    });
    expect(snapshotDir(dataDir)).toEqual(before);
    expectOk(await locked.call('profile.recover', { recoveryKey }));
    expect((await locked.state()).phase).toBe('ready');
    await locked.close();
  });

  it('reports a locked keyring as KEYCHAIN_LOCKED, changes nothing, and opens after unlocking', async () => {
    const dataDir = tempProfileDir();
    const core = await openTestCore(dataDir);
    expectOk(await core.call('profile.create', { displayName: 'Locked' }));
    await core.close();
    const before = snapshotDir(dataDir);

    service.lock();
    const locked = await openTestCore(dataDir);
    expect(await locked.state()).toMatchObject({
      phase: 'locked',
      error: { code: 'KEYCHAIN_LOCKED' },
      canRecover: false,
    });
    expect(snapshotDir(dataDir)).toEqual(before);
    await locked.close();
    service.unlock();
    const reopened = await openTestCore(dataDir);
    expect((await reopened.state()).phase).toBe('ready');
    await reopened.close();
  });

  it('never writes a database that starts with "SQLite format 3"', async () => {
    const dataDir = tempProfileDir();
    const core = await openTestCore(dataDir);
    expectOk(await core.call('profile.create', { displayName: 'Header' }));
    await core.close();
    const { readFileSync } = await import('node:fs');
    const header = readFileSync(join(dataDir, 'clientele.db')).subarray(0, 16).toString('latin1');
    expect(header).not.toBe('SQLite format 3\0');
  });

  it('sets a half-made profile aside instead of deleting it', async () => {
    const dataDir = tempProfileDir();
    writeFileSync(join(dataDir, 'clientele.db'), 'left over by a crash');
    const core = await openTestCore(dataDir);
    expectOk(await core.call('profile.create', { displayName: 'After crash' }));
    await core.close();
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dataDir).some((name) => name.startsWith('clientele.db.orphan-'))).toBe(true);
  });
});

describe('recovery key rotation', () => {
  it('replaces the recovery key: the old one stops working, the new one restores access', async () => {
    const dataDir = tempProfileDir();
    const core = await openTestCore(dataDir);
    const { recoveryKey: oldKey, profile } = expectOk(
      await core.call<{ recoveryKey: string; profile: { id: string } }>('profile.create', { displayName: 'Rotate' }),
    );
    const { recoveryKey: newKey } = expectOk(await core.call<{ recoveryKey: string }>('profile.rotateRecoveryKey'));
    expect(newKey).not.toBe(oldKey);
    await core.close();

    await new OsKeychain().delete(profile.id);
    const locked = await openTestCore(dataDir);
    expect(await locked.call('profile.recover', { recoveryKey: oldKey })).toMatchObject({
      ok: false,
      error: { code: 'RECOVERY_KEY_INVALID' },
    });
    expectOk(await locked.call('profile.recover', { recoveryKey: newKey }));
    expect((await locked.state()).phase).toBe('ready');
    await locked.close();
  });
});
