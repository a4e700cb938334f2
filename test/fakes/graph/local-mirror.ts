import { simpleParser } from 'mailparser';
import type { Budget, MailDriver, RemoteFolder, RemoteMessage } from '../../../main/sync/mail-driver.js';

export type MirroredMessage = { remoteId: string; flags: string[]; messageId: string; message: RemoteMessage };

/**
 * What the sync engine keeps of a mailbox, reduced to what the Graph tests check: per folder the
 * cursor and the messages by remote id, applied page by page as account-runner does (reset drops
 * the folder's locations first, then deletes, flag changes and upserts).
 */
export class LocalMirror {
  readonly cursors = new Map<string, string | null>();
  readonly folders = new Map<string, Map<string, MirroredMessage>>();
  pages = 0;
  resets = 0;

  constructor(
    private readonly driver: MailDriver,
    private readonly budget: Budget = { maxMessages: 50, maxBytes: 8 << 20 },
  ) {}

  /** Pages through one folder until the driver says there is no more. */
  async syncFolder(folder: RemoteFolder): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      const held = this.folders.get(folder.path) ?? new Map<string, MirroredMessage>();
      const page = await this.driver.fetchChanges(
        folder,
        this.cursors.get(folder.path) ?? null,
        { since: null },
        this.budget,
        () => [...held.keys()],
      );
      this.pages += 1;
      if (page.reset) {
        this.resets += 1;
        held.clear();
      }
      for (const id of page.deletes) held.delete(id);
      for (const change of page.flagChanges) {
        const found = held.get(change.remoteId);
        if (found) found.flags = change.flags;
      }
      for (const message of page.upserts) {
        const parsed = await simpleParser(message.source);
        held.set(message.remoteId, {
          remoteId: message.remoteId,
          flags: message.flags,
          messageId: parsed.messageId ?? '',
          message,
        });
      }
      this.folders.set(folder.path, held);
      this.cursors.set(folder.path, page.nextCursor);
      if (!page.more) return;
    }
    throw new Error('The driver never finished the folder');
  }

  async syncAll(folders: RemoteFolder[]): Promise<void> {
    for (const folder of folders) await this.syncFolder(folder);
  }

  ids(folderPath: string): string[] {
    return [...(this.folders.get(folderPath)?.keys() ?? [])].sort();
  }

  /** Message-IDs held more than once in the same folder, or in two folders at once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const held of this.folders.values())
      for (const m of held.values()) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  }
}
