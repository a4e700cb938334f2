import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import type { AppState, ProfileInfo } from '../../../common/domain/profile.js';
import { AppError, isAppError } from '../../../common/errors.js';
import type { Keychain } from '../../platform/keychain/keychain.js';
import type { Logger } from '../../util/logger.js';
import type { Migration } from '../../store/migrations/migration.js';
import { openEncryptedDatabase } from '../../store/sqlcipher.js';
import { Store, type StoreKeys } from '../../store/store.js';
import { KeyVault } from './key-vault.js';
import { profilePaths, type ProfilePaths } from './paths.js';
import { readProfileRecord, writeProfileRecord, type ProfileRecord } from './profile-file.js';
import { ProfileLock } from './profile-lock.js';
import {
  formatRecoveryKey,
  generateRecoveryKey,
  hasRecoveryFile,
  parseRecoveryKey,
  unwrapRecoveryFile,
  writeRecoveryFile,
} from './recovery-key.js';

const RECOVERABLE = new Set(['STORE_KEY_MISSING', 'STORE_KEY_MISMATCH']);

/**
 * Owns one profile directory: creates it, opens its store with the keys from the keychain,
 * and recovers the keychain entries from the recovery key. Failures leave every file as it was.
 */
export class ProfileManager {
  readonly paths: ProfilePaths;
  private readonly vault: KeyVault;
  private readonly lock: ProfileLock;
  private store: Store | null = null;
  private record: ProfileRecord | null = null;
  private lastError: AppError | null = null;
  private readonly openedListeners: (() => void)[] = [];

  constructor(
    dataDir: string,
    private readonly keychain: Keychain,
    private readonly log: Logger,
    private readonly migrations?: readonly Migration[],
  ) {
    this.paths = profilePaths(dataDir);
    this.vault = new KeyVault(keychain);
    this.lock = new ProfileLock(this.paths.lockFile);
  }

  /** Called each time the store opens (at start, after creation, unlock or recovery). */
  onOpened(listener: () => void): void {
    this.openedListeners.push(listener);
  }

  private opened(): void {
    for (const listener of this.openedListeners) listener();
  }

  /** Takes the profile lock and tries to open the store; the outcome is in state(). */
  async start(): Promise<AppState> {
    mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    this.lock.acquire();
    // Owner-only even when the folder was made by someone else (e.g. Electron's userData) or given
    // with --data-dir: it holds the store, the recovery file and the core's control socket.
    if (process.platform !== 'win32') chmodSync(this.paths.dir, 0o700);
    return this.unlock();
  }

  state(): AppState {
    if (this.store && this.record) return { phase: 'ready', profile: toInfo(this.record) };
    if (!this.record) return { phase: 'onboarding' };
    const error = this.lastError ?? new AppError('INTERNAL', 'The profile is not open.');
    return {
      phase: 'locked',
      error: error.toShape(),
      canRecover: RECOVERABLE.has(error.code) && hasRecoveryFile(this.paths.recoveryFile),
    };
  }

  /**
   * The open store; calls that need it fail with PROFILE_LOCKED until it is open, saying why (the
   * keychain unreachable, the key missing...): the CLI prints only this message.
   */
  requireStore(): Store {
    if (this.store) return this.store;
    const state = this.state();
    const why =
      state.phase === 'locked'
        ? state.error.message
        : "No profile has been created yet (clientele init, or the app's first screen).";
    throw new AppError('PROFILE_LOCKED', `The profile is locked. ${why}`, { details: state });
  }

  requireProfile(): ProfileRecord {
    if (!this.record) throw new AppError('PROFILE_NOT_FOUND', 'No profile has been created yet.');
    return this.record;
  }

  async unlock(): Promise<AppState> {
    if (this.store) return this.state();
    this.record = readProfileRecord(this.paths.profileFile);
    if (!this.record) return this.state();
    try {
      const keys = await this.vault.load(this.record.id);
      if (!keys) {
        throw new AppError(
          'STORE_KEY_MISSING',
          "The system keychain no longer holds this profile's key (was the keyring reset, or the profile copied from another machine?). Enter your recovery key to restore it.",
        );
      }
      this.store = Store.open(this.paths.database, keys, { create: false, migrations: this.migrations });
      this.lastError = null;
      this.log.info({ profileId: this.record.id }, 'profile opened');
      this.opened();
    } catch (error) {
      this.lastError = toAppError(error);
      this.log.warn({ code: this.lastError.code, details: this.lastError.details }, 'profile stays locked');
    }
    return this.state();
  }

  async create(displayName: string): Promise<{ profile: ProfileInfo; recoveryKey: string }> {
    if (readProfileRecord(this.paths.profileFile)) {
      throw new AppError('PROFILE_EXISTS', 'A profile already exists in this data folder.');
    }
    // Fail before writing anything when the keychain cannot hold the keys.
    await this.keychain.assertWritable();
    this.setAsideLeftovers();

    const record: ProfileRecord = {
      version: 1,
      id: randomUUID(),
      displayName,
      createdAt: new Date().toISOString(),
    };
    const keys = KeyVault.generate();
    const recoveryKey = generateRecoveryKey();
    await this.vault.save(record.id, keys);
    const store = Store.open(this.paths.database, keys, { create: true, migrations: this.migrations });
    chmodSync(this.paths.database, 0o600);
    writeRecoveryFile(this.paths.recoveryFile, record.id, keys, recoveryKey);
    // Written last: a crash before this point leaves no half-made profile behind.
    writeProfileRecord(this.paths.profileFile, record);
    this.store = store;
    this.record = record;
    this.lastError = null;
    this.log.info({ profileId: record.id }, 'profile created');
    this.opened();
    return { profile: toInfo(record), recoveryKey: formatRecoveryKey(recoveryKey) };
  }

  /** Re-creates the keychain entries from the recovery key, after proving the key opens the store. */
  async recover(recoveryKeyText: string): Promise<ProfileInfo> {
    const record = this.requireProfile();
    const keys = unwrapRecoveryFile(this.paths.recoveryFile, record.id, parseRecoveryKey(recoveryKeyText));
    this.assertKeysOpenStore(keys);
    await this.vault.save(record.id, keys);
    this.log.info({ profileId: record.id }, 'keychain entries restored from the recovery key');
    const state = await this.unlock();
    if (state.phase !== 'ready')
      throw new AppError(
        state.phase === 'locked' ? state.error.code : 'INTERNAL',
        'Recovery restored the key, but the profile did not open.',
      );
    return toInfo(record);
  }

  async rotateRecoveryKey(): Promise<string> {
    const record = this.requireProfile();
    this.requireStore();
    const keys = await this.vault.load(record.id);
    if (!keys) throw new AppError('STORE_KEY_MISSING', 'The keychain lost the profile key while it was open.');
    const recoveryKey = generateRecoveryKey();
    writeRecoveryFile(this.paths.recoveryFile, record.id, keys, recoveryKey);
    return formatRecoveryKey(recoveryKey);
  }

  close(): void {
    this.store?.close();
    this.store = null;
    this.lock.release();
  }

  private assertKeysOpenStore(keys: StoreKeys): void {
    const db = openEncryptedDatabase(this.paths.database, keys.databaseKey, { create: false });
    db.close();
  }

  /** A database without profile.json is from an interrupted creation: keep it, out of the way. */
  private setAsideLeftovers(): void {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const path of [
      this.paths.database,
      // A hot journal must stay with its database (it rolls back a transaction cut short);
      // -wal and -shm are from profiles written in WAL mode.
      `${this.paths.database}-journal`,
      `${this.paths.database}-wal`,
      `${this.paths.database}-shm`,
      this.paths.recoveryFile,
    ]) {
      if (existsSync(path)) renameSync(path, `${path}.orphan-${stamp}`);
    }
  }
}

function toInfo(record: ProfileRecord): ProfileInfo {
  return { id: record.id, displayName: record.displayName, createdAt: record.createdAt };
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError('INTERNAL', 'The profile could not be opened.', { cause: error, details: String(error) });
}
