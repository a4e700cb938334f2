import { AppError } from '../../../common/errors.js';
import { isAllowed } from '../../../common/rbac/evaluate.js';
import type { RecordHit } from '../../../common/domain/records.js';
import type { ContactLinker } from '../../crm/contact-linker.js';
import type { PolicySource } from '../api/dispatcher.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type RecordHandlers = Pick<Handlers, 'contacts.update' | 'companies.get' | 'companies.update' | 'search.records'>;

/** The contact and company pages' reads and edits, and the search of records by name. */
export function recordHandlers(
  profiles: ProfileManager,
  linker: ContactLinker,
  policies: PolicySource,
): RecordHandlers {
  // Reads wait for the linker like the other CRM reads: a page never lags behind the mail shown.
  const store = async () => {
    const opened = profiles.requireStore();
    await linker.drain();
    return opened;
  };
  const company = async (id: number) => {
    const found = (await store()).records.getCompany(id);
    if (!found) throw new AppError('NOT_FOUND', `No company ${id}.`);
    return found;
  };
  return {
    'contacts.update': async (input) => {
      const opened = await store();
      if (!opened.records.updateContact(input, new Date().toISOString())) {
        throw new AppError('NOT_FOUND', `No contact ${input.id}.`);
      }
      return opened.crm.getContact(input.id)!;
    },
    'companies.get': async ({ id }) => company(id),
    'companies.update': async (input) => {
      if (!(await store()).records.updateCompany(input, new Date().toISOString())) {
        throw new AppError('NOT_FOUND', `No company ${input.id}.`);
      }
      return company(input.id);
    },
    'search.records': async ({ query, limit }) => {
      const hits = (await store()).records.searchRecords(query, limit);
      // The call needs contact view; companies and deals show only to a role that may see them.
      const policy = policies.current();
      const visible = (hit: RecordHit): boolean =>
        hit.type === 'contact' || isAllowed(policy, { object: hit.type, action: 'view' }, policies.now?.());
      return { hits: hits.filter(visible) };
    },
  };
}
