import { normalizeBlockValue, type BlockKind } from '../../../common/domain/blocklist.js';
import { AppError } from '../../../common/errors.js';
import type { ContactLinker } from '../../crm/contact-linker.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type BlocklistHandlers = Pick<Handlers, 'blocklist.list' | 'blocklist.preview' | 'blocklist.add' | 'blocklist.remove'>;

function valueOf(kind: BlockKind, raw: string): string {
  const value = normalizeBlockValue(kind, raw);
  if (value === null) {
    throw new AppError(
      'VALIDATION',
      kind === 'address' ? `"${raw}" is not an email address.` : `"${raw}" is not a domain (e.g. example.com).`,
    );
  }
  return value;
}

/** The blocklist (store: BlocklistRepository; sync: applyPage and restore-unblocked.ts). */
export function blocklistHandlers(
  profiles: ProfileManager,
  engine: SyncEngine,
  linker: ContactLinker,
): BlocklistHandlers {
  return {
    'blocklist.list': async () => profiles.requireStore().blocklist.list(),
    'blocklist.preview': async ({ kind, value: raw }) => {
      const value = valueOf(kind, raw);
      return { kind, value, ...profiles.requireStore().blocklist.preview(kind, value) };
    },
    'blocklist.add': async ({ kind, value: raw }) => {
      const value = valueOf(kind, raw);
      const result = profiles.requireStore().blocklist.add(kind, value, new Date().toISOString());
      engine.blocklistChanged();
      return result;
    },
    'blocklist.remove': async ({ id }) => {
      const { released } = profiles.requireStore().blocklist.remove(id);
      // Its addresses' mail is linked afresh, and the next pass fetches the released mail.
      linker.schedule();
      engine.blocklistChanged();
      return { released };
    },
  };
}
