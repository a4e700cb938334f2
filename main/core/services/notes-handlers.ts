import { AppError } from '../../../common/errors.js';
import type { RecordRef } from '../../../common/domain/timeline.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type NotesHandlers = Pick<Handlers, 'notes.create' | 'notes.delete'>;

/** Notes on contacts, companies and deals, written by the profile's owner. */
export function notesHandlers(profiles: ProfileManager): NotesHandlers {
  return {
    'notes.create': async ({ record, body }) => {
      const notes = profiles.requireStore().notes;
      if (!notes.recordExists(record)) throw missingRecord(record);
      return notes.create(record, body, profiles.requireProfile().displayName);
    },
    'notes.delete': async ({ id }) => ({ deleted: profiles.requireStore().notes.delete(id) }),
  };
}

export function missingRecord(record: RecordRef): AppError {
  return new AppError('NOT_FOUND', `No ${record.type} ${record.id}.`);
}
