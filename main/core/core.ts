import type { AppState } from '../../common/domain/profile.js';
import type { Result } from '../../common/result.js';
import type { Keychain } from '../platform/keychain/keychain.js';
import { createKeychain } from '../platform/keychain/factory.js';
import { LocalPolicySource } from '../rbac/policy-source.js';
import type { Migration } from '../store/migrations/migration.js';
import type { Logger } from '../util/logger.js';
import { Dispatcher, type PolicySource } from './api/dispatcher.js';
import type { Caller, Handlers } from './api/handlers.js';
import { ProfileManager } from './profile/profile-manager.js';
import { profileHandlers } from './services/profile-handlers.js';
import { settingsHandlers } from './services/settings-handlers.js';

export type CoreOptions = {
  dataDir: string;
  log: Logger;
  keychain?: Keychain;
  /** Tests only: a different migration list. */
  migrations?: readonly Migration[];
  /** Tests only: another policy than the local owner's. */
  policies?: PolicySource;
};

/** The service process of one profile, whatever hosts it (Electron utility process, browser mode, CLI). */
export type Core = {
  readonly dataDir: string;
  dispatch(caller: Caller, method: string, input: unknown): Promise<Result<unknown>>;
  close(): void;
};

export async function startCore(options: CoreOptions): Promise<Core & { initialState: AppState }> {
  const keychain = options.keychain ?? createKeychain();
  const profiles = new ProfileManager(options.dataDir, keychain, options.log, options.migrations);
  const initialState = await profiles.start();
  const handlers: Handlers = { ...profileHandlers(profiles), ...settingsHandlers(profiles) };
  const dispatcher = new Dispatcher(handlers, options.policies ?? new LocalPolicySource(profiles), options.log);
  return {
    dataDir: profiles.paths.dir,
    initialState,
    dispatch: (caller, method, input) => dispatcher.dispatch(caller, method, input),
    close: () => profiles.close(),
  };
}
