import { AppError } from '../../../common/errors.js';
import type { ContactLinker } from '../../crm/contact-linker.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type CrmHandlers = Pick<
  Handlers,
  | 'contacts.list'
  | 'contacts.get'
  | 'contacts.explain'
  | 'contacts.autoCreate'
  | 'contacts.setAutoCreate'
  | 'companies.list'
>;

/**
 * Contacts and companies. Each read first lets the linker finish the mail already synced (it
 * yields between batches, so other calls and the sync go on meanwhile): an answer, above all
 * "why is this a contact?", never lags behind the mail the user can see.
 */
export function crmHandlers(profiles: ProfileManager, linker: ContactLinker): CrmHandlers {
  const store = async () => {
    const opened = profiles.requireStore();
    await linker.drain();
    return opened;
  };
  return {
    'contacts.list': async ({ search, cursor, limit }) => (await store()).crm.listContacts(search, cursor, limit),
    'contacts.get': async ({ id }) => {
      const contact = (await store()).crm.getContact(id);
      if (!contact) throw new AppError('NOT_FOUND', `No contact ${id}.`);
      return contact;
    },
    'contacts.explain': async ({ address }) => (await store()).crm.explain(address),
    'contacts.autoCreate': async () => profiles.requireStore().crm.autoCreateSettings(),
    'contacts.setAutoCreate': async ({ accountId, mode }) => {
      const crm = profiles.requireStore().crm;
      if (!crm.setContactMode(accountId, mode)) throw new AppError('NOT_FOUND', `No account ${accountId}.`);
      linker.schedule();
      return crm.autoCreateSettings().find((setting) => setting.accountId === accountId)!;
    },
    'companies.list': async ({ search, cursor, limit }) => (await store()).crm.listCompanies(cursor, limit, search),
  };
}
