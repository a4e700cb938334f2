import { blockedSender, type BlockKind } from '../../../common/domain/blocklist.js';
import type { Db } from '../sqlcipher.js';

export type StoredFolder = {
  id: number;
  accountId: string;
  path: string;
  name: string;
  role: string;
  syncEnabled: boolean;
  cursor: string | null;
  remoteTotal: number;
  backfillComplete: boolean;
  lastSyncedAt: string | null;
};

export type Address = { name: string; address: string };

/** A message as the sync engine hands it over: parsed, identified, ready to file. */
export type IncomingMessage = {
  remoteId: string;
  flags: string[];
  identity: string;
  subjectKey: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string | null;
  date: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  text: string | null;
  html: string | null;
  textTruncated: boolean;
  attachments: unknown[];
  size: number;
  direction: 'sent' | 'received';
  listId: string | null;
  listUnsubscribe: string | null;
  precedence: string | null;
  autoSubmitted: string | null;
  warnings: string[];
};

export type PageToApply = {
  accountId: string;
  folderId: number;
  reset: boolean;
  upserts: IncomingMessage[];
  deletes: string[];
  flagChanges: { remoteId: string; flags: string[] }[];
  cursor: string;
  remoteTotal: number;
  backfillComplete: boolean;
  syncedAt: string;
};

/**
 * Messages fetched again after their sender was unblocked (their tombstones released), with the
 * ids the server no longer has: stored (or forgotten) in one transaction with their tombstones.
 */
export type RestoredMessages = {
  accountId: string;
  folderId: number;
  upserts: IncomingMessage[];
  gone: string[];
};

type FolderRow = {
  id: number;
  account_id: string;
  path: string;
  name: string;
  role: string;
  sync_enabled: number;
  cursor: string | null;
  remote_total: number;
  backfill_complete: number;
  last_synced_at: string | null;
};

const SUBJECT_THREAD_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * Messages, their folder locations and threads. applyPage() is the only writer during sync and
 * commits a whole page with the folder's cursor in one transaction: a crash (kill -9) at any
 * point leaves either the page and its cursor, or neither, so a resumed sync neither loses nor
 * duplicates a message.
 */
export class MailRepository {
  private readonly s;
  /**
   * The blocklist's statements, prepared on first use; null in a store at a schema before the
   * blocklist (migration tests write pages at older schemas), where nothing is blocked.
   */
  private blockStatements: BlockStatements | null | undefined = undefined;

  constructor(private readonly db: Db) {
    this.s = {
      folderByPath: db.prepare<[string, string], FolderRow>('SELECT * FROM folders WHERE account_id = ? AND path = ?'),
      foldersOf: db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE account_id = ? ORDER BY id'),
      insertFolder: db.prepare<[string, string, string, string, number]>(
        'INSERT INTO folders (account_id, path, name, role, sync_enabled) VALUES (?, ?, ?, ?, ?)',
      ),
      updateFolderMeta: db.prepare<[string, string, number]>('UPDATE folders SET name = ?, role = ? WHERE id = ?'),
      setFolderEnabled: db.prepare<[number, string, string]>(
        'UPDATE folders SET sync_enabled = ? WHERE account_id = ? AND path = ?',
      ),
      folderEnabled: db.prepare<[number], number>('SELECT sync_enabled FROM folders WHERE id = ?').pluck(),
      saveFolderState: db.prepare<[string, number, number, string, number]>(
        'UPDATE folders SET cursor = ?, remote_total = ?, backfill_complete = ?, last_synced_at = ? WHERE id = ?',
      ),
      messageByIdentity: db.prepare<[string, string], { id: number }>(
        'SELECT id FROM messages WHERE account_id = ? AND identity = ?',
      ),
      threadOfMessageId: db.prepare<[string, string], { thread_id: number }>(
        'SELECT thread_id FROM messages WHERE account_id = ? AND message_id = ? LIMIT 1',
      ),
      threadsReferencing: db.prepare<[string, string], { thread_id: number }>(
        `SELECT DISTINCT m.thread_id FROM message_refs r JOIN messages m ON m.id = r.message
         WHERE r.account_id = ? AND r.ref_id = ?`,
      ),
      threadBySubject: db.prepare<[string, string, string, string], { id: number }>(
        `SELECT id FROM threads WHERE account_id = ? AND subject_key = ? AND last_date BETWEEN ? AND ?
         ORDER BY last_date DESC LIMIT 1`,
      ),
      insertThread: db.prepare<[string, string, string]>(
        'INSERT INTO threads (account_id, subject_key, last_date) VALUES (?, ?, ?)',
      ),
      // last_date = max(last_date, date), written only when it changes: an UPDATE rewrites the
      // row and its threads_by_subject entry even to the same value, and in a newest-first sync
      // most messages are older than their thread's latest (two random pages per message, each
      // journaled and written again, encrypted both times).
      touchThread: db.prepare<[string, number, string]>(
        'UPDATE threads SET last_date = ? WHERE id = ? AND (last_date IS NULL OR last_date < ?)',
      ),
      moveThread: db.prepare<[number, number]>('UPDATE messages SET thread_id = ? WHERE thread_id = ?'),
      deleteThread: db.prepare<[number]>('DELETE FROM threads WHERE id = ?'),
      insertMessage: db.prepare(
        `INSERT INTO messages (account_id, identity, message_id, thread_id, subject, date, from_json, to_json, cc_json,
           bcc_json, reply_to_json, in_reply_to, references_json, snippet, body_text, body_html, text_truncated,
           attachments_json, size, direction, list_id, list_unsubscribe, precedence, auto_submitted, warnings_json,
           created_at)
         VALUES (@accountId, @identity, @messageId, @threadId, @subject, @date, @from, @to, @cc, @bcc, @replyTo,
           @inReplyTo, @references, @snippet, @text, @html, @textTruncated, @attachments, @size, @direction, @listId,
           @listUnsubscribe, @precedence, @autoSubmitted, @warnings, @createdAt)`,
      ),
      insertRef: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO message_refs (account_id, ref_id, message) VALUES (?, ?, ?)',
      ),
      upsertLocation: db.prepare<[number, string, number, string]>(
        `INSERT INTO message_locations (folder_id, remote_id, message, flags_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (folder_id, remote_id) DO UPDATE SET message = excluded.message, flags_json = excluded.flags_json`,
      ),
      deleteLocation: db.prepare<[number, string]>(
        'DELETE FROM message_locations WHERE folder_id = ? AND remote_id = ?',
      ),
      deleteFolderLocations: db.prepare<[number]>('DELETE FROM message_locations WHERE folder_id = ?'),
      updateFlags: db.prepare<[string, number, string]>(
        'UPDATE message_locations SET flags_json = ? WHERE folder_id = ? AND remote_id = ?',
      ),
      folderCursor: db.prepare<[number], string | null>('SELECT cursor FROM folders WHERE id = ?').pluck(),
      remoteIds: db.prepare<[number], string>('SELECT remote_id FROM message_locations WHERE folder_id = ?').pluck(),
      // Counters kept by triggers (migration 0003): O(1) whatever the mailbox size.
      folderCount: db.prepare<[number], number>('SELECT message_count FROM folders WHERE id = ?').pluck(),
      accountCount: db.prepare<[string], number>('SELECT message_count FROM accounts WHERE id = ?').pluck(),
      deleteOrphans: db.prepare<[string]>(
        `DELETE FROM messages WHERE account_id = ?
         AND NOT EXISTS (SELECT 1 FROM message_locations l WHERE l.message = messages.id)`,
      ),
      deleteEmptyThreads: db.prepare<[string]>(
        `DELETE FROM threads WHERE account_id = ?
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = threads.id)`,
      ),
    };
  }

  /** Records the server's folders; new ones are synced or not by `enabledByDefault`. */
  upsertFolders(
    accountId: string,
    folders: { path: string; name: string; role: string }[],
    enabledByDefault: (role: string) => boolean,
  ): StoredFolder[] {
    this.db.transaction(() => {
      for (const folder of folders) {
        const existing = this.s.folderByPath.get(accountId, folder.path);
        if (existing) this.s.updateFolderMeta.run(folder.name, folder.role, existing.id);
        else
          this.s.insertFolder.run(
            accountId,
            folder.path,
            folder.name,
            folder.role,
            enabledByDefault(folder.role) ? 1 : 0,
          );
      }
    })();
    return this.folders(accountId);
  }

  folders(accountId: string): StoredFolder[] {
    return this.s.foldersOf.all(accountId).map(toFolder);
  }

  /**
   * Turns the sync of one folder on or off; null when the account has no folder at that path.
   * Only the flag changes: the folder's messages, locations and cursor stay, so turning it off
   * deletes no mail (their locations also keep them from the orphan collection) and turning it on
   * again resumes from the cursor (a folder never synced has none: its backfill starts afresh).
   */
  setFolderSyncEnabled(accountId: string, path: string, enabled: boolean): StoredFolder | null {
    if (this.s.setFolderEnabled.run(enabled ? 1 : 0, accountId, path).changes === 0) return null;
    const row = this.s.folderByPath.get(accountId, path);
    return row ? toFolder(row) : null;
  }

  /** Whether a folder is (still) to be synced: false once turned off or gone. */
  isFolderSyncEnabled(folderId: number): boolean {
    return this.s.folderEnabled.get(folderId) === 1;
  }

  remoteIds(folderId: number): string[] {
    return this.s.remoteIds.all(folderId);
  }

  folderMessageCount(folderId: number): number {
    return this.s.folderCount.get(folderId) ?? 0;
  }

  accountMessageCount(accountId: string): number {
    return this.s.accountCount.get(accountId) ?? 0;
  }

  /**
   * Commits a page with the folder's state. A message from a blocked sender is not stored: its
   * location becomes a tombstone instead (read in this transaction, so a block committed just
   * before is obeyed); a message stored again releases its tombstone here, in the same commit.
   */
  applyPage(page: PageToApply): void {
    const blocks = this.blocks();
    this.db
      .transaction(() => {
        if (page.reset) {
          this.s.deleteFolderLocations.run(page.folderId);
          // Its ids changed: the resync brings every message again and files each anew.
          blocks?.dropFolderTombstones.run(page.folderId);
        }
        for (const remoteId of page.deletes) {
          this.s.deleteLocation.run(page.folderId, remoteId);
          blocks?.dropTombstone.run(page.folderId, remoteId);
        }
        for (const change of page.flagChanges) {
          this.s.updateFlags.run(JSON.stringify(change.flags), page.folderId, change.remoteId);
        }
        this.fileMessages(blocks, page.accountId, page.folderId, page.upserts, page.cursor);
        this.s.saveFolderState.run(
          page.cursor,
          page.remoteTotal,
          page.backfillComplete ? 1 : 0,
          page.syncedAt,
          page.folderId,
        );
      })
      .immediate();
  }

  /**
   * Stores messages fetched again because their sender is no longer blocked, and drops the
   * tombstones of those stored and of those gone from the server, in one transaction: a kill
   * before it leaves every tombstone in place (fetched again next time), after it none. A message
   * whose sender was blocked again meanwhile stays a tombstone.
   */
  applyRestored(restored: RestoredMessages): void {
    const blocks = this.blocks();
    if (!blocks) return;
    this.db
      .transaction(() => {
        for (const remoteId of restored.gone) blocks.dropTombstone.run(restored.folderId, remoteId);
        const cursor = this.s.folderCursor.get(restored.folderId) ?? null;
        this.fileMessages(blocks, restored.accountId, restored.folderId, restored.upserts, cursor);
      })
      .immediate();
  }

  private blocks(): BlockStatements | null {
    if (this.blockStatements === undefined) this.blockStatements = prepareBlockStatements(this.db);
    return this.blockStatements;
  }

  private fileMessages(
    blocks: BlockStatements | null,
    accountId: string,
    folderId: number,
    upserts: IncomingMessage[],
    cursor: string | null,
  ): void {
    const rules = blocks && upserts.length > 0 ? blocks.rules.all() : [];
    const now = new Date().toISOString();
    for (const message of upserts) {
      const sender = rules.length > 0 ? blockedSender(rules, message.from) : null;
      if (blocks && sender !== null) {
        blocks.keepTombstone.run(folderId, message.remoteId, accountId, cursor, sender, message.messageId, now);
        continue;
      }
      const messagePk =
        this.s.messageByIdentity.get(accountId, message.identity)?.id ?? this.insert(accountId, message);
      this.s.upsertLocation.run(folderId, message.remoteId, messagePk, JSON.stringify(message.flags));
      blocks?.dropTombstone.run(folderId, message.remoteId);
    }
  }

  /**
   * Drops messages no folder holds any more. Run after a full pass over every folder, so a
   * message moved between folders keeps its row (and everything linked to it).
   */
  collectOrphans(accountId: string): number {
    return this.db
      .transaction(() => {
        const removed = this.s.deleteOrphans.run(accountId).changes;
        this.s.deleteEmptyThreads.run(accountId);
        return removed;
      })
      .immediate();
  }

  private insert(accountId: string, message: IncomingMessage): number {
    const threadId = this.threadFor(accountId, message);
    const result = this.s.insertMessage.run({
      accountId,
      identity: message.identity,
      messageId: message.messageId,
      threadId,
      subject: message.subject,
      date: message.date,
      from: JSON.stringify(message.from),
      to: JSON.stringify(message.to),
      cc: JSON.stringify(message.cc),
      bcc: JSON.stringify(message.bcc),
      replyTo: JSON.stringify(message.replyTo),
      inReplyTo: message.inReplyTo,
      references: JSON.stringify(message.references),
      snippet: snippetOf(message.text),
      text: message.text,
      html: message.html,
      textTruncated: message.textTruncated ? 1 : 0,
      attachments: JSON.stringify(message.attachments),
      size: message.size,
      direction: message.direction,
      listId: message.listId,
      listUnsubscribe: message.listUnsubscribe,
      precedence: message.precedence,
      autoSubmitted: message.autoSubmitted,
      warnings: JSON.stringify(message.warnings),
      createdAt: new Date().toISOString(),
    });
    const pk = Number(result.lastInsertRowid);
    for (const ref of referencedIds(message)) this.s.insertRef.run(accountId, ref, pk);
    this.s.touchThread.run(message.date, threadId, message.date);
    return pk;
  }

  /**
   * References first (either direction: this message cites a stored one, or stored replies cite
   * this one); several threads found are merged. Else the same normalized subject within 30
   * days; else a new thread.
   */
  private threadFor(accountId: string, message: IncomingMessage): number {
    const found = new Set<number>();
    for (const ref of referencedIds(message)) {
      const hit = this.s.threadOfMessageId.get(accountId, ref);
      if (hit) found.add(hit.thread_id);
    }
    if (message.messageId) {
      for (const row of this.s.threadsReferencing.all(accountId, message.messageId)) found.add(row.thread_id);
    }
    if (found.size > 0) {
      const [keep, ...merge] = [...found].sort((a, b) => a - b) as [number, ...number[]];
      for (const other of merge) {
        this.s.moveThread.run(keep, other);
        this.s.deleteThread.run(other);
      }
      return keep;
    }
    if (message.subjectKey) {
      const at = Date.parse(message.date);
      const from = new Date(at - SUBJECT_THREAD_WINDOW_MS).toISOString();
      const to = new Date(at + SUBJECT_THREAD_WINDOW_MS).toISOString();
      const hit = this.s.threadBySubject.get(accountId, message.subjectKey, from, to);
      if (hit) return hit.id;
    }
    return Number(this.s.insertThread.run(accountId, message.subjectKey, message.date).lastInsertRowid);
  }
}

type BlockStatements = NonNullable<ReturnType<typeof prepareBlockStatements>>;

function prepareBlockStatements(db: Db) {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blocked_messages'").get();
  if (exists === undefined) return null;
  return {
    rules: db.prepare<[], { kind: BlockKind; value: string }>('SELECT kind, value FROM blocklist'),
    keepTombstone: db.prepare<[number, string, string, string | null, string, string | null, string]>(
      `INSERT INTO blocked_messages (folder_id, remote_id, account_id, cursor, sender, message_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (folder_id, remote_id) DO UPDATE SET cursor = excluded.cursor, sender = excluded.sender`,
    ),
    dropTombstone: db.prepare<[number, string]>('DELETE FROM blocked_messages WHERE folder_id = ? AND remote_id = ?'),
    dropFolderTombstones: db.prepare<[number]>('DELETE FROM blocked_messages WHERE folder_id = ?'),
  };
}

function referencedIds(message: IncomingMessage): string[] {
  const ids = new Set(message.references);
  if (message.inReplyTo) ids.add(message.inReplyTo);
  if (message.messageId) ids.delete(message.messageId);
  return [...ids];
}

function snippetOf(text: string | null): string {
  // Slice before the regex: bodies can be 200,000 characters, the snippet is 200. Whitespace runs
  // collapse the same in a prefix as in the whole, so when the first 400 characters already give
  // more than 200 after the leading whitespace, those are the snippet (the trailing trim can only
  // drop the character after them); else the 2,000 as ever.
  const source = text ?? '';
  const quick = source.slice(0, 400).replace(/\s+/g, ' ').trimStart();
  if (quick.length > 200) return quick.slice(0, 200);
  return source.slice(0, 2000).replace(/\s+/g, ' ').trim().slice(0, 200);
}

function toFolder(row: FolderRow): StoredFolder {
  return {
    id: row.id,
    accountId: row.account_id,
    path: row.path,
    name: row.name,
    role: row.role,
    syncEnabled: row.sync_enabled === 1,
    cursor: row.cursor,
    remoteTotal: row.remote_total,
    backfillComplete: row.backfill_complete === 1,
    lastSyncedAt: row.last_synced_at,
  };
}
