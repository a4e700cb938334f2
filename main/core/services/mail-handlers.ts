import { ATTACHMENT_DOWNLOAD_MAX_BYTES } from '../../../common/domain/attachments.js';
import { downloadAttachment } from '../../sync/attachment-download.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type MailHandlers = Pick<Handlers, 'mail.listAttachments' | 'mail.downloadAttachment'>;

export function mailHandlers(profiles: ProfileManager, engine: SyncEngine): MailHandlers {
  return {
    'mail.listAttachments': async ({ accountId, limit }) => {
      return profiles.requireStore().attachments.newest(accountId ?? null, limit);
    },
    'mail.downloadAttachment': async ({ messageId, partId }) => {
      const store = profiles.requireStore();
      const { attachment, content } = await downloadAttachment(
        store,
        (accountId) => engine.createDriver(accountId),
        messageId,
        partId,
        ATTACHMENT_DOWNLOAD_MAX_BYTES,
      );
      return {
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: content.length,
        contentBase64: content.toString('base64'),
      };
    },
  };
}
