import type { MergeKind } from '../../../common/domain/merge.js';
import type { ContactLinker } from '../../crm/contact-linker.js';
import { companyDuplicates, contactDuplicates } from '../../crm/merge/duplicates.js';
import { fillFromSources } from '../../crm/merge/fill-fields.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type MergeHandlers = Pick<
  Handlers,
  | 'contacts.duplicates'
  | 'contacts.merge'
  | 'contacts.undoMerge'
  | 'contacts.mergeHistory'
  | 'companies.duplicates'
  | 'companies.merge'
  | 'companies.undoMerge'
  | 'companies.mergeHistory'
>;

/**
 * Duplicate candidates, merges and their undo. A merge first lets the linker finish the mail
 * already synced, so the links it moves are the ones the user sees.
 */
export function mergeHandlers(profiles: ProfileManager, linker: ContactLinker): MergeHandlers {
  const store = async () => {
    const opened = profiles.requireStore();
    await linker.drain();
    return opened;
  };
  const now = () => new Date().toISOString();
  const merge =
    (kind: MergeKind) =>
    async ({ targetId, sourceIds }: { targetId: number; sourceIds: number[] }) =>
      (await store()).merges.merge(
        kind,
        targetId,
        sourceIds,
        (target, sources) => fillFromSources(kind, target, sources),
        now(),
      );
  const undo =
    (kind: MergeKind) =>
    async ({ mergeId }: { mergeId: number }) =>
      (await store()).merges.undo(kind, mergeId, now());
  return {
    'contacts.duplicates': async ({ limit }) => {
      const opened = await store();
      return contactDuplicates(opened.crm, opened.duplicates, limit);
    },
    'companies.duplicates': async ({ limit }) => {
      const opened = await store();
      return companyDuplicates(opened.crm, opened.duplicates, limit);
    },
    'contacts.merge': merge('contact'),
    'companies.merge': merge('company'),
    'contacts.undoMerge': undo('contact'),
    'companies.undoMerge': undo('company'),
    'contacts.mergeHistory': async ({ limit }) => profiles.requireStore().merges.history('contact', limit),
    'companies.mergeHistory': async ({ limit }) => profiles.requireStore().merges.history('company', limit),
  };
}
