import { AppError } from '../../common/errors.js';
import type { AttachmentInfo } from '../../common/domain/attachments.js';
import type { Store } from '../store/store.js';
import type { MailDriver } from './mail-driver.js';

export type DownloadedAttachment = { attachment: AttachmentInfo; content: Buffer };

/**
 * Fetches one attachment of a stored message from the server, trying each folder that holds the
 * message (a folder whose ids went stale, or that lost the message since the last sync, is
 * skipped for the next one). The content is returned, never stored.
 */
export async function downloadAttachment(
  store: Store,
  createDriver: (accountId: string) => MailDriver,
  messageId: number,
  partId: string,
  maxBytes: number,
): Promise<DownloadedAttachment> {
  const source = store.attachments.source(messageId, partId);
  if (!source) throw new AppError('NOT_FOUND', `Message ${messageId} has no attachment ${partId}.`);
  if (source.locations.length === 0) {
    throw new AppError('NOT_FOUND', 'The message was deleted from the server; its attachments are gone with it.');
  }
  if (source.attachment.size > maxBytes * 1.05) {
    // The recorded size is an estimate for parts not downloaded yet: refuse only what is clearly over.
    throw new AppError('TOO_LARGE', `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  }
  const driver = createDriver(source.accountId);
  try {
    let skipped: AppError | null = null;
    for (const location of source.locations) {
      try {
        const content = await driver.fetchPart(
          location.folderPath,
          location.cursor,
          location.remoteId,
          partId,
          maxBytes,
        );
        return { attachment: { ...source.attachment, size: content.length }, content };
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'NOT_FOUND' && error.code !== 'CURSOR_EXPIRED'))
          throw error;
        skipped = error;
      }
    }
    throw skipped!;
  } finally {
    await driver.close();
  }
}
