import { isAppError } from '../../common/errors.js';
import type { ReleasedTombstone } from '../store/repositories/blocklist-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { FolderRole, MailDriver } from './mail-driver.js';
import type { MessageParser } from './account-runner.js';
import { toIncoming } from './to-incoming.js';

export type RestoreOptions = {
  ownAddresses: ReadonlySet<string>;
  /** Messages fetched (and committed) at a time. */
  batchSize: number;
  aborted: () => boolean;
  log: Logger;
};

/**
 * Fetches again the messages a removed block kept out (their tombstones, released), by their
 * remote ids only: IMAP UID FETCH, Gmail messages.get, Graph GET by id; never a rescan of the
 * mailbox. Each batch is stored with its tombstones dropped in one transaction (applyRestored),
 * so a kill leaves a tombstone until its message is stored again, and a message is never stored
 * twice (it is filed by identity, like every sync page).
 *
 * A folder whose ids changed since (IMAP UIDVALIDITY) answers CURSOR_EXPIRED: its resync, which
 * drops the folder's tombstones when it resets, brings that mail; nothing to do here.
 */
export async function restoreUnblocked(
  store: Store,
  driver: MailDriver,
  parser: MessageParser,
  accountId: string,
  options: RestoreOptions,
): Promise<number> {
  if (!driver.fetchMessages) return 0;
  const released = store.blocklist.released(accountId);
  if (released.length === 0) return 0;
  const folders = new Map(store.mail.folders(accountId).map((folder) => [folder.id, folder]));
  let restored = 0;
  for (const batch of batches(released, options.batchSize)) {
    if (options.aborted()) break;
    const { folderId, folderPath, cursor } = batch[0]!;
    const folder = folders.get(folderId);
    if (!folder) continue;
    let fetched;
    try {
      fetched = await driver.fetchMessages(
        folderPath,
        cursor,
        batch.map((tombstone) => tombstone.remoteId),
      );
    } catch (error) {
      if (isAppError(error) && (error.code === 'CURSOR_EXPIRED' || error.code === 'NOT_FOUND')) {
        options.log.info(
          { accountId, folder: folderPath, code: error.code },
          'unblocked mail left to the folder resync',
        );
        continue;
      }
      throw error;
    }
    const parsed = await Promise.all(fetched.messages.map((message) => parser.parseIdentified(message.source)));
    const context = { folderRole: folder.role as FolderRole, ownAddresses: options.ownAddresses };
    store.mail.applyRestored({
      accountId,
      folderId,
      upserts: fetched.messages.map((message, index) =>
        toIncoming(message, parsed[index]!.parsed, context, parsed[index]!.identity),
      ),
      gone: fetched.gone,
    });
    restored += fetched.messages.length;
  }
  if (restored > 0) options.log.info({ accountId, restored }, 'unblocked mail fetched again');
  return restored;
}

/** Tombstones of one folder and cursor at a time, at most `size` per batch. */
function* batches(tombstones: ReleasedTombstone[], size: number): Generator<ReleasedTombstone[]> {
  let batch: ReleasedTombstone[] = [];
  for (const tombstone of tombstones) {
    const first = batch[0];
    if (first && (first.folderId !== tombstone.folderId || first.cursor !== tombstone.cursor || batch.length >= size)) {
      yield batch;
      batch = [];
    }
    batch.push(tombstone);
  }
  if (batch.length > 0) yield batch;
}
