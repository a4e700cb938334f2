import type { ContactLinker } from '../../crm/contact-linker.js';
import { exportCompanies, exportContacts, exportDeals } from '../../crm/csv/csv-export.js';
import { importCompanies, importContacts, previewCompanies, previewContacts } from '../../crm/csv/csv-import.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type CsvHandlers = Pick<
  Handlers,
  | 'contacts.export'
  | 'companies.export'
  | 'deals.export'
  | 'contacts.importPreview'
  | 'contacts.import'
  | 'companies.importPreview'
  | 'companies.import'
>;

/**
 * CSV export (cells neutralized against formula injection) and import with a preview. Exports
 * and imports first let the linker finish the mail already synced: an import's duplicates are
 * then judged against every contact the user can see.
 */
export function csvHandlers(profiles: ProfileManager, linker: ContactLinker): CsvHandlers {
  const store = async () => {
    const opened = profiles.requireStore();
    await linker.drain();
    return opened;
  };
  const today = () => new Date().toISOString().slice(0, 10);
  const now = () => new Date().toISOString();
  return {
    'contacts.export': async () => exportContacts((await store()).csv, today()),
    'companies.export': async () => exportCompanies((await store()).csv, today()),
    'deals.export': async () => exportDeals(profiles.requireStore().deals, today()),
    'contacts.importPreview': async ({ csv, mapping }) => previewContacts((await store()).csv, csv, mapping),
    'companies.importPreview': async ({ csv, mapping }) => previewCompanies((await store()).csv, csv, mapping),
    'contacts.import': async ({ csv, mapping, onDuplicate }) =>
      importContacts((await store()).csv, csv, mapping, onDuplicate, now()),
    'companies.import': async ({ csv, mapping, onDuplicate }) =>
      importCompanies((await store()).csv, csv, mapping, onDuplicate, now()),
  };
}
