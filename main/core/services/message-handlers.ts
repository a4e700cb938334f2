import { decodeMessageCursor, encodeMessageCursor } from '../../../common/domain/messages.js';
import { AppError } from '../../../common/errors.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type MessageHandlers = Pick<Handlers, 'mail.list' | 'mail.get' | 'mail.setImagesAllowed'>;

/** The timeline (mail.list, keyset-paged, no bodies), the message view (mail.get) and its image choice. */
export function messageHandlers(profiles: ProfileManager): MessageHandlers {
  return {
    'mail.list': async ({ accountId, threadId, cursor, limit }) => {
      const after = cursor === undefined ? null : decodeMessageCursor(cursor);
      if (cursor !== undefined && after === null) {
        throw new AppError('VALIDATION', 'This page of the timeline cannot be found; reload it from the top.');
      }
      const messages = profiles.requireStore().messages;
      const filter = { ...(accountId ? { accountId } : {}), ...(threadId ? { threadId } : {}) };
      const items = messages.page(filter, after, limit);
      const last = items.at(-1);
      return {
        items,
        next: items.length === limit && last ? encodeMessageCursor(last.date, last.id) : null,
        total: messages.count(filter),
      };
    },
    'mail.get': async ({ id }) => {
      const message = profiles.requireStore().messages.get(id);
      if (!message) throw new AppError('NOT_FOUND', 'This message is no longer in any synced folder.');
      return message;
    },
    'mail.setImagesAllowed': async ({ address, allowed }) => ({
      address: address.toLowerCase(),
      allowed: profiles.requireStore().imageSenders.set(address, allowed),
    }),
  };
}
