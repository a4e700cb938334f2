import { AppError } from '../../../common/errors.js';
import { isAllowed } from '../../../common/rbac/evaluate.js';
import type { ContactLinker } from '../../crm/contact-linker.js';
import type { PolicySource } from '../api/dispatcher.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type TimelineHandlers = Pick<Handlers, 'timeline.forRecord'>;

/**
 * A record's timeline. The contract's permission (view email) covers the threads; the record's
 * own object (contact, company or deal) must be viewable too, which only the input names.
 * The linker first finishes the mail already synced, so the threads do not lag behind it.
 */
export function timelineHandlers(
  profiles: ProfileManager,
  policies: PolicySource,
  linker: ContactLinker,
): TimelineHandlers {
  return {
    'timeline.forRecord': async ({ record, cursor, limit }) => {
      if (!isAllowed(policies.current(), { object: record.type, action: 'view' }, policies.now?.())) {
        throw new AppError('FORBIDDEN', `Your role does not allow this (view ${record.type}).`);
      }
      const store = profiles.requireStore();
      await linker.drain();
      if (!store.notes.recordExists(record)) throw new AppError('NOT_FOUND', `No ${record.type} ${record.id}.`);
      return store.timeline.page(record, cursor, limit);
    },
  };
}
